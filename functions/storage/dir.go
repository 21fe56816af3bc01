package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"mime"
	"os"
	"path"
	"syscall"
)

var _ Store = (*Dir)(nil)

// Dir is a Store that keeps each object as a file under a root directory: the
// object under key "cards/x/og.png" is the file <root>/cards/x/og.png, byte for
// byte, so the cards can be looked at directly. Its Info is kept beside it in a
// hidden sidecar file, <root>/cards/x/.og.png.info (JSON); valid keys never
// start a segment with '.', so no key can name a sidecar or a temporary file.
//
// All file access goes through an os.Root, so even a symbolic link planted under
// the root cannot lead a write outside it.
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
// size and modification time and the content type of its extension.
//
// A Dir is safe for concurrent use. Close releases it.
type Dir struct {
	root *os.Root
}

// NewDir returns a Dir keeping its objects under dir, creating dir if needed.
func NewDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create store directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open store directory: %w", err)
	}
	return &Dir{root: root}, nil
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
func (d *Dir) Get(ctx context.Context, key string) (*Object, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("dir get %s: %w", key, err)
	}
	f, err := d.root.Open(key)
	if err != nil {
		return nil, fmt.Errorf("dir get %s: %w", key, notFound(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("dir get %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("dir get %s: %w", key, ErrNotFound)
	}
	body := make([]byte, fi.Size())
	if _, err := f.ReadAt(body, 0); err != nil && fi.Size() > 0 {
		return nil, fmt.Errorf("dir get %s: %w", key, err)
	}
	info, err := d.info(key, fi)
	if err != nil {
		return nil, fmt.Errorf("dir get %s: %w", key, err)
	}
	return &Object{Info: info, Body: body}, nil
}

// Head implements Store.
func (d *Dir) Head(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return Info{}, fmt.Errorf("dir head %s: %w", key, err)
	}
	fi, err := d.root.Stat(key)
	if err != nil {
		return Info{}, fmt.Errorf("dir head %s: %w", key, notFound(err))
	}
	if !fi.Mode().IsRegular() {
		return Info{}, fmt.Errorf("dir head %s: %w", key, ErrNotFound)
	}
	info, err := d.info(key, fi)
	if err != nil {
		return Info{}, fmt.Errorf("dir head %s: %w", key, err)
	}
	return info, nil
}

// info returns the Info of the object under key whose file is fi.
func (d *Dir) info(key string, fi fs.FileInfo) (Info, error) {
	info := Info{Size: fi.Size(), ModTime: fi.ModTime()}
	b, err := d.root.ReadFile(sidecarName(key))
	if errors.Is(err, fs.ErrNotExist) {
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
	if err := d.create(ctx, key, body, info); err != nil {
		return fmt.Errorf("dir create %s: %w", key, err)
	}
	return nil
}

func (d *Dir) create(ctx context.Context, key string, body []byte, info Info) error {
	dir := path.Dir(key)
	if dir != "." {
		if err := d.root.MkdirAll(dir, 0o755); err != nil {
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
	f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	_, err = f.Write(b)
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
