package storage

// StallDir holds every file operation of d, from now on, until release is closed,
// as a hung disk or network file system would. Call it before d is in use.
func StallDir(d *Dir, release chan struct{}) { d.stall = release }
