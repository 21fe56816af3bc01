package storage

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Folder is a folder an operator names, such as a brand's, read as an fs.FS
// with the directory store's rules: it is opened as a root (os.OpenRoot), so no
// name leads out of it and a symbolic link that leaves it is refused, and only
// regular files are opened, without blocking, so a FIFO or a device there is an
// error instead of a hang.
type Folder struct {
	root *os.Root
}

var _ fs.FS = (*Folder)(nil)

// OpenFolder opens the folder dir. Close it when done.
func OpenFolder(dir string) (*Folder, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Folder{root: root}, nil
}

// Open opens the regular file name, a slash-separated path inside the folder.
func (d *Folder) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("not a regular file but %s", kind(fi.Mode()))}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Close closes the folder.
func (d *Folder) Close() error { return d.root.Close() }

// kind names the type of a file that is not a regular one, for a message.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a file of type " + m.Type().String()
}
