// Atomic replace of a small file, N times, with Go's standard library only: write current.tmp,
// File.Sync it, os.Rename it over "current", and in mode "sync-dirsync" open the directory and
// File.Sync it too; then print "ack N".
//
//	replace sync-dirsync|sync N
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	mode := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	must(err)
	for i := 1; i <= n; i++ {
		f, err := os.Create("current.tmp")
		must(err)
		_, err = f.WriteString(strings.Repeat(fmt.Sprintf("value %d\n", i), 100))
		must(err)
		must(f.Sync())
		must(f.Close())
		must(os.Rename("current.tmp", "current"))
		if mode == "sync-dirsync" {
			d, err := os.Open(".")
			must(err)
			must(d.Sync())
			must(d.Close())
		}
		fmt.Printf("ack %d\n", i)
	}
}
