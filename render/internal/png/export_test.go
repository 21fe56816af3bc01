package png

// Adler32Update is adler32Update, for the benchmarks in package png_test.
var Adler32Update = adler32Update
