package meeting

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"dinh/internal/atomicfile"
	"dinh/internal/boundedfile"
)

// FolderFile is the name of the meeting description inside a meeting folder.
const FolderFile = "meeting.json"

// ParseJSON decodes and validates a meeting.json. A syntax or type error
// names the line and column, so a secretariat can find it in an editor;
// unknown fields are refused so a misspelt key is not silently ignored.
func ParseJSON(b []byte) (*Meeting, error) {
	if len(b) > MaxJSONSize {
		return nil, invalid("meeting.json is %d bytes, at most %d allowed", len(b), MaxJSONSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Meeting
	if err := dec.Decode(&m); err != nil {
		return nil, jsonError(b, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("meeting.json has data after the closing brace")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func jsonError(b []byte, dec *json.Decoder, err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	// The decoder's offsets are of the byte after the fault; an editor
	// shows the fault itself.
	off := dec.InputOffset()
	switch {
	case errors.As(err, &syn):
		off = syn.Offset - 1
	case errors.As(err, &typ):
		line, col := position(b, typ.Offset-1)
		return fmt.Errorf("%w: line %d, column %d: field %q must be %s, not %s",
			ErrInvalid, line, col, typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return invalid("meeting.json is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(b, int64(len(b)))
		return invalid("meeting.json ends too early, at line %d, column %d: a closing brace, bracket or quote is missing", line, col)
	}
	line, col := position(b, off)
	return fmt.Errorf("%w: line %d, column %d: %v", ErrInvalid, line, col, err)
}

func position(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	line, col = 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// LoadFolder reads dir/meeting.json and checks that every document the
// agenda names is a regular PDF file inside dir, within the size limits.
func LoadFolder(dir string) (*Meeting, error) {
	b, err := boundedfile.Read(filepath.Join(dir, FolderFile), MaxJSONSize)
	if errors.Is(err, boundedfile.ErrTooLarge) {
		return nil, invalid("%s is more than %d bytes, at most %d allowed", FolderFile, MaxJSONSize, MaxJSONSize)
	}
	if err != nil {
		return nil, fmt.Errorf("open meeting folder: %w", err)
	}
	m, err := ParseJSON(b)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, name := range m.DocumentNames() {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("document %q: %w", name, err)
		}
		if !fi.Mode().IsRegular() {
			return nil, invalid("document %q is not a regular file", name)
		}
		if fi.Size() > MaxDocSize {
			return nil, invalid("document %q is %d bytes, at most %d allowed", name, fi.Size(), int64(MaxDocSize))
		}
		total += fi.Size()
	}
	if total > MaxTotalSize {
		return nil, invalid("documents total %d bytes, at most %d allowed", total, int64(MaxTotalSize))
	}
	return m, nil
}

// WriteFolder writes m as dir/meeting.json, atomically, so a host that saves
// an edited meeting never leaves a half-written file.
func WriteFolder(dir string, m *Meeting) error {
	if err := m.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode meeting: %w", err)
	}
	return WriteFileAtomic(filepath.Join(dir, FolderFile), append(b, '\n'))
}

// WriteFileAtomic writes b to path so that readers, and the file after a
// crash, see the old content or the new, never a part (atomicfile).
func WriteFileAtomic(path string, b []byte) error {
	if err := atomicfile.WriteBytes(path, b); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
