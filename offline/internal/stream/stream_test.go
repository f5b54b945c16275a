package stream

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

func encrypt(t *testing.T, key, aad, plain []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, key, aad)
	if err != nil {
		t.Fatal(err)
	}
	// Odd write sizes exercise the chunk buffering.
	for p := plain; len(p) > 0; {
		n := min(len(p), 7000)
		if _, err := w.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decrypt(key, aad, ct []byte) ([]byte, error) {
	r, err := NewReader(bytes.NewReader(ct), key, aad)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestRoundTrip(t *testing.T) {
	key := randBytes(KeySize)
	for _, n := range []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3 * ChunkSize, 3*ChunkSize + 17} {
		plain := randBytes(n)
		ct := encrypt(t, key, []byte("aad"), plain)
		if got, want := int64(len(ct)), EncryptedSize(int64(n)); got != want {
			t.Errorf("size %d: got %d encrypted bytes, want %d", n, got, want)
		}
		got, err := decrypt(key, []byte("aad"), ct)
		if err != nil {
			t.Fatalf("size %d: %v", n, err)
		}
		if !bytes.Equal(got, plain) {
			t.Errorf("size %d: got different plaintext back", n)
		}
	}
}

func TestTampering(t *testing.T) {
	key := randBytes(KeySize)
	plain := randBytes(3 * ChunkSize)
	ct := encrypt(t, key, nil, plain)
	full := PrefixSize + encChunk
	short := encrypt(t, key, nil, plain[:2*ChunkSize+10])
	other := encrypt(t, key, nil, randBytes(3*ChunkSize))
	swap := func(b []byte) []byte {
		c := bytes.Clone(b)
		copy(c[PrefixSize:], b[PrefixSize+encChunk:PrefixSize+2*encChunk])
		copy(c[PrefixSize+encChunk:], b[PrefixSize:PrefixSize+encChunk])
		return c
	}
	flip := func(b []byte, i int) []byte { c := bytes.Clone(b); c[i] ^= 1; return c }
	tests := []struct {
		name string
		ct   []byte
		key  []byte
		aad  []byte
	}{
		{"empty", nil, key, nil},
		{"prefix only", ct[:PrefixSize], key, nil},
		{"cut at first chunk boundary", ct[:full], key, nil},
		{"cut at second chunk boundary", ct[:full+encChunk], key, nil},
		{"cut inside a chunk", ct[:full+100], key, nil},
		{"cut inside the last chunk", ct[:len(ct)-1], key, nil},
		{"cut to a tag", ct[:full+tagSize], key, nil},
		{"chunks swapped", swap(ct), key, nil},
		{"one byte appended", append(bytes.Clone(ct), 0), key, nil},
		{"chunk appended", append(bytes.Clone(ct), ct[PrefixSize:full]...), key, nil},
		{"appended to a short last chunk", append(bytes.Clone(short), 1, 2, 3), key, nil},
		{"prefix changed", flip(ct, 0), key, nil},
		{"chunk byte changed", flip(ct, full+5), key, nil},
		{"tag changed", flip(ct, len(ct)-1), key, nil},
		{"chunk from another stream", append(bytes.Clone(ct[:full]), other[full:]...), key, nil},
		{"other key", ct, randBytes(KeySize), nil},
		{"other aad", ct, key, []byte("x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decrypt(tt.key, tt.aad, tt.ct)
			if !errors.Is(err, ErrAuth) {
				t.Errorf("got %v, want ErrAuth", err)
			}
		})
	}
}

// TestNoPlaintextPastTamper checks that a reader returns only chunks that
// opened: everything before the changed chunk, nothing from it.
func TestNoPlaintextPastTamper(t *testing.T) {
	key := randBytes(KeySize)
	plain := randBytes(3 * ChunkSize)
	ct := encrypt(t, key, nil, plain)
	ct[PrefixSize+encChunk+3] ^= 1
	r, _ := NewReader(bytes.NewReader(ct), key, nil)
	got, err := io.ReadAll(r)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("got %v, want ErrAuth", err)
	}
	if !bytes.Equal(got, plain[:ChunkSize]) {
		t.Errorf("got %d bytes before the error, want the %d of the first chunk", len(got), ChunkSize)
	}
}

func TestBadKey(t *testing.T) {
	if _, err := NewWriter(io.Discard, make([]byte, 16), nil); err == nil {
		t.Error("got no error for a 16-byte key, want one")
	}
}
