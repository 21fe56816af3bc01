package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"mime"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/factcard/factcard/facts/panicerr"
)

var _ Store = (*Dir)(nil)

// Dir is a Store that keeps each object as a file under a root directory: the
// object under key "cards/x/og.png" is the file <root>/cards/x/og.png, byte for
// byte, so the cards can be looked at directly. Its Info is kept beside it in a
// hidden sidecar file, <root>/cards/x/.og.png.info (JSON); valid keys never
// start a segment with '.', so no key can name a sidecar or a temporary file.
//
// All file access goes through an os.Root, so even a symbolic link planted under
// the root cannot lead a write outside it. Reads open regular files only: a key
// that is a symbolic link, a FIFO, a device or a socket is an error, never a
// blocked or endless read, and no object larger than the size cap is read.
// Every call returns by its context's deadline (or a tenth of a second after it),
// even when the disk under it hangs (see Within).
//
// The root must belong to the user running the store and be writable by no one
// else: another user who could write there could plant cards. Directories are
// created 0700 and files 0600, or 0755 and 0644 with DirOptions.Served.
//
// Create is create-only and atomic, also between processes sharing the
// directory: the body is written and synced to a temporary file in the target
// directory, then hard-linked to the final name, which fails if the name is
// taken. The link is the single commit point: no reader ever sees a partly
// written file under a key, and a losing writer leaves the winner's file
// untouched. The sidecar is written to a temporary file before the link and
// renamed into place by the winner only, right after the link. In the moment
// between the two (or for good, after a crash there) Get and Head see the
// object without its sidecar and report the Info the file alone gives: its
// size and modification time and the content type of its extension. Temporary
// files that crashed writers left behind are removed when a Dir opens, once they
// are an hour old.
//
// A Dir is safe for concurrent use. Close releases it.
type Dir struct {
	root     *os.Root
	maxSize  int64
	fileMode os.FileMode
	dirMode  os.FileMode
	// slots bounds the file operations in flight: when the disk hangs, callers
	// give up at their deadlines instead of piling up blocked goroutines.
	slots chan struct{}
	// stall, when set by a test, holds every file operation until it is closed,
	// as a hung disk would.
	stall chan struct{}
}

// DefaultMaxObjectSize is the largest object a Dir reads unless DirOptions says
// otherwise: 2 MiB, far above any card (tens of kilobytes).
const DefaultMaxObjectSize = 2 << 20

// staleTemp is how old a temporary file must be before a Dir opening removes it: no
// write takes that long.
const staleTemp = time.Hour

// maxSidecarSize bounds a sidecar read; a real one is a few hundred bytes.
const maxSidecarSize = 64 << 10

// dirSlots is how many file operations a Dir runs at once.
const dirSlots = 64

// DirOptions tunes a Dir. The zero value is the default.
type DirOptions struct {
	// Served makes the objects readable by every user (files 0644, directories
	// 0755), for a web server that serves the directory directly. Otherwise only
	// the owner can read them (0600 and 0700).
	Served bool
	// MaxObjectSize is the largest object Get reads, in bytes; a larger one is an
	// error wrapping ErrTooLarge. Zero means DefaultMaxObjectSize.
	MaxObjectSize int64
}

// NewDir returns a Dir with the default options; see OpenDir.
func NewDir(dir string) (*Dir, error) {
	return OpenDir(dir, DirOptions{})
}

// OpenDir returns a Dir keeping its objects under dir, creating dir if needed. It
// refuses a dir that another user owns or that others can write, and removes the
// temporary files an hour old or older that crashed writers left there.
func OpenDir(dir string, opts DirOptions) (*Dir, error) {
	d := &Dir{maxSize: opts.MaxObjectSize, fileMode: 0o600, dirMode: 0o700, slots: make(chan struct{}, dirSlots)}
	if d.maxSize <= 0 {
		d.maxSize = DefaultMaxObjectSize
	}
	if opts.Served {
		d.fileMode, d.dirMode = 0o644, 0o755
	}
	if err := os.MkdirAll(dir, d.dirMode); err != nil {
		return nil, fmt.Errorf("create store directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open store directory: %w", err)
	}
	if err := checkOwner(root); err != nil {
		root.Close()
		return nil, fmt.Errorf("store directory %s: %w", dir, err)
	}
	d.root = root
	d.removeStaleTemps(time.Now().Add(-staleTemp))
	return d, nil
}

// checkOwner refuses a root that is not the running user's own or that other
// users may write to.
func checkOwner(root *os.Root) error {
	fi, err := root.Stat(".")
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("owned by user %d, not by this user (%d): another user could plant cards there", st.Uid, os.Geteuid())
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("mode %#o lets other users write there and plant cards; chmod go-w it", perm)
	}
	return nil
}

// removeStaleTemps removes the temporary files (".tmp-*") last changed before
// cutoff anywhere under the root: what writers that crashed mid-write left.
// Best effort: what it cannot read or remove stays.
func (d *Dir) removeStaleTemps(cutoff time.Time) {
	_ = fs.WalkDir(d.root.FS(), ".", func(name string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), ".tmp-") {
			return nil
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			_ = d.root.Remove(name)
		}
		return nil
	})
}

// withinGrace is how long Within waits, once the context is done, for op to return
// on its own: an op that honours the context says more in its error than the
// context does.
const withinGrace = 100 * time.Millisecond

// Within runs op, which may block on I/O, and returns its result, or an error
// wrapping ctx's once ctx is done and op has not returned within a short grace
// (withinGrace) after it. When ctx wins, op goes on in the background until its I/O
// returns, and its result is dropped. A store built on calls that cannot be
// cancelled (file system calls) uses it to honour deadlines.
//
// A panic in op is returned as a *panicerr.Error: op may run on a goroutine of its
// own, where a panic would end the process.
func Within[T any](ctx context.Context, op func() (T, error)) (T, error) {
	if ctx.Done() == nil {
		return panicerr.Call(op)
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := panicerr.Call(op)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
	}
	grace := time.NewTimer(withinGrace)
	defer grace.Stop()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-grace.C:
		var zero T
		return zero, fmt.Errorf("still waiting for I/O %v after the deadline: %w", withinGrace, ctx.Err())
	}
}

// do runs one file operation within ctx, holding one of d's slots while it runs.
func do[T any](ctx context.Context, d *Dir, op func() (T, error)) (T, error) {
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
	return Within(ctx, func() (T, error) {
		defer func() { <-d.slots }()
		if d.stall != nil {
			<-d.stall
		}
		return op()
	})
}

// Path returns the directory d keeps its objects in.
func (d *Dir) Path() string { return d.root.Name() }

// Close releases the directory. Calls after Close fail.
func (d *Dir) Close() error { return d.root.Close() }

// sidecar is the JSON form of an object's Info in its sidecar file.
type sidecar struct {
	ContentType  string            `json:"contentType"`
	CacheControl string            `json:"cacheControl,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
}

func sidecarName(key string) string {
	dir, file := path.Split(key)
	return dir + "." + file + ".info"
}

// Get implements Store.
func (d *Dir) Get(ctx context.Context, key string, limit int64) (*Object, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	if err := CheckLimit(limit); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("dir get %s: %w", key, err)
	}
	obj, err := do(ctx, d, func() (*Object, error) {
		body, fi, err := d.readRegular(key, min(limit, d.maxSize))
		if err != nil {
			return nil, err
		}
		info, err := d.info(key, fi)
		if err != nil {
			return nil, err
		}
		return &Object{Info: info, Body: body}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("dir get %s: %w", key, err)
	}
	return obj, nil
}

// Head implements Store.
func (d *Dir) Head(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return Info{}, fmt.Errorf("dir head %s: %w", key, err)
	}
	info, err := do(ctx, d, func() (Info, error) {
		fi, err := d.root.Lstat(key)
		if err != nil {
			return Info{}, notFound(err)
		}
		if err := regular(fi); err != nil {
			return Info{}, err
		}
		return d.info(key, fi)
	})
	if err != nil {
		return Info{}, fmt.Errorf("dir head %s: %w", key, err)
	}
	return info, nil
}

// regular reports why fi is not a file an object may be read from: a directory
// is no object (other keys live under it); a symbolic link, FIFO, device or
// socket is not one the store wrote.
func regular(fi fs.FileInfo) error {
	switch m := fi.Mode(); {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return ErrNotFound
	default:
		return fmt.Errorf("not a regular file (%s): not written by this store", m.Type())
	}
}

// readRegular reads the file at name if it is a regular file of at most max
// bytes. It never follows a symbolic link at name, never blocks opening a FIFO
// (O_NONBLOCK), checks the file it opened (fstat) and reads no more than the size
// that reported.
func (d *Dir) readRegular(name string, max int64) ([]byte, fs.FileInfo, error) {
	fi, err := d.root.Lstat(name)
	if err != nil {
		return nil, nil, notFound(err)
	}
	if err := regular(fi); err != nil {
		return nil, nil, err
	}
	f, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, notFound(err)
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if err := regular(ofi); err != nil {
		return nil, nil, err
	}
	if !os.SameFile(fi, ofi) {
		return nil, nil, errors.New("replaced while being opened")
	}
	if ofi.Size() > max {
		return nil, nil, fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, ofi.Size(), max)
	}
	body := make([]byte, ofi.Size())
	if _, err := io.ReadFull(f, body); err != nil {
		return nil, nil, fmt.Errorf("read: %w", err)
	}
	return body, ofi, nil
}

// info returns the Info of the object under key whose file is fi.
func (d *Dir) info(key string, fi fs.FileInfo) (Info, error) {
	info := Info{Size: fi.Size(), ModTime: fi.ModTime()}
	b, _, err := d.readRegular(sidecarName(key), maxSidecarSize)
	if errors.Is(err, ErrNotFound) {
		// Between the winner's link and its sidecar rename, or after a crash
		// there: describe the object by its file.
		info.ContentType = mime.TypeByExtension(path.Ext(key))
		if info.ContentType == "" {
			info.ContentType = "application/octet-stream"
		}
		return info, nil
	}
	if err != nil {
		return Info{}, fmt.Errorf("read info: %w", err)
	}
	var sc sidecar
	if err := json.Unmarshal(b, &sc); err != nil {
		return Info{}, fmt.Errorf("read info %s: %w", sidecarName(key), err)
	}
	info.ContentType = sc.ContentType
	info.CacheControl = sc.CacheControl
	if len(sc.Metadata) > 0 {
		info.Metadata = sc.Metadata
	}
	return info, nil
}

// Create implements Store.
func (d *Dir) Create(ctx context.Context, key string, body []byte, info Info) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	if err := info.Validate(); err != nil {
		return fmt.Errorf("dir create %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("dir create %s: %w", key, err)
	}
	if _, err := do(ctx, d, func() (struct{}, error) { return struct{}{}, d.create(ctx, key, body, info) }); err != nil {
		return fmt.Errorf("dir create %s: %w", key, err)
	}
	return nil
}

func (d *Dir) create(ctx context.Context, key string, body []byte, info Info) error {
	dir := path.Dir(key)
	if dir != "." {
		if err := d.root.MkdirAll(dir, d.dirMode); err != nil {
			// A file where a directory of the key should be.
			return fmt.Errorf("create directory: %w", err)
		}
	}
	sc := sidecar{ContentType: info.ContentType, CacheControl: info.CacheControl}
	if len(info.Metadata) > 0 {
		sc.Metadata = maps.Clone(info.Metadata)
	}
	meta, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("encode info: %w", err)
	}
	tmpBody, err := d.writeTemp(dir, body)
	if err != nil {
		return err
	}
	// The temporary name goes in any case; after a link the final name keeps
	// the file.
	defer d.root.Remove(tmpBody)
	tmpMeta, err := d.writeTemp(dir, meta)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			d.root.Remove(tmpMeta)
		}
	}()
	// Last chance to give up: after the link the object is there.
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := d.root.Link(tmpBody, key); err != nil {
		if errors.Is(err, fs.ErrExist) {
			if fi, serr := d.root.Lstat(key); serr == nil && fi.IsDir() {
				return fmt.Errorf("key names a directory of other keys: %w", err)
			}
			return ErrExists
		}
		return fmt.Errorf("link: %w", err)
	}
	if err := d.root.Rename(tmpMeta, sidecarName(key)); err != nil {
		return fmt.Errorf("stored, but without its info: %w", err)
	}
	committed = true
	return d.syncDir(dir)
}

// writeTemp writes b to a new temporary file in dir, syncs it and returns its
// name.
func (d *Dir) writeTemp(dir string, b []byte) (name string, err error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	name = path.Join(dir, ".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, d.fileMode)
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	if d.fileMode&0o044 != 0 {
		// Served: readable by all, whatever the umask.
		err = f.Chmod(d.fileMode)
	}
	if err == nil {
		_, err = f.Write(b)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		d.root.Remove(name)
		return "", fmt.Errorf("write temporary file: %w", err)
	}
	return name, nil
}

// syncDir makes the new names in dir durable.
func (d *Dir) syncDir(dir string) error {
	f, err := d.root.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}

// notFound maps the errors that mean "no such file" to ErrNotFound. ENOTDIR
// means a file stands where a directory of the key would be: still no object.
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return ErrNotFound
	}
	return err
}
