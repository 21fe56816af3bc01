package facts_test

import (
	"fmt"

	"github.com/factcard/factcard/facts"
)

func ExampleDataset_Lookup() {
	f, ok := facts.Default().Lookup("jaishankar-measured-and-responsible")
	if !ok {
		fmt.Println("not found")
		return
	}
	fmt.Println(f.Speaker.Name + ", " + f.Speaker.Role)
	fmt.Println(f.Said.Display())
	fmt.Println(f.Medium.Label())
	// Output:
	// Dr. S. Jaishankar, External Affairs Minister
	// 10 May 2025
	// Post on X
}
