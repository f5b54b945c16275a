package stream

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

const (
	// ChunkSize is the plaintext size of every chunk but the last.
	ChunkSize = 64 << 10
	// PrefixSize is the size of the random nonce prefix that opens a stream.
	PrefixSize = chacha20poly1305.NonceSizeX - 5
	// KeySize is the size of the key.
	KeySize = chacha20poly1305.KeySize

	tagSize  = chacha20poly1305.Overhead
	encChunk = ChunkSize + tagSize
	// maxChunks keeps the uint32 counter from wrapping (256 TiB).
	maxChunks = 1<<32 - 1
)

// ErrAuth means the stream was changed, cut short, extended, or was made
// with another key or other additional data.
var ErrAuth = errors.New("stream: authentication failed")

// EncryptedSize is the size of the stream that encrypts n plaintext bytes.
func EncryptedSize(n int64) int64 {
	chunks := (n + ChunkSize - 1) / ChunkSize
	if chunks == 0 {
		chunks = 1
	}
	return PrefixSize + n + chunks*tagSize
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("stream: key is %d bytes, want %d", len(key), KeySize)
	}
	return chacha20poly1305.NewX(key)
}

type nonce [chacha20poly1305.NonceSizeX]byte

func (n *nonce) set(counter uint32, last bool) {
	binary.BigEndian.PutUint32(n[PrefixSize:], counter)
	n[len(n)-1] = 0
	if last {
		n[len(n)-1] = 1
	}
}

// Writer encrypts what is written to it. Close must be called to write the
// last chunk; it does not close the underlying writer.
type Writer struct {
	w       io.Writer
	aead    cipher.AEAD
	aad     []byte
	nonce   nonce
	counter uint32
	buf     []byte // plaintext of the pending chunk, with room for the tag
	n       int    // bytes pending in buf
	err     error
}

// NewWriter writes a fresh random prefix to w and returns a Writer that
// encrypts with key, authenticating aad with every chunk.
func NewWriter(w io.Writer, key, aad []byte) (*Writer, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	sw := &Writer{w: w, aead: aead, aad: aad, buf: make([]byte, encChunk)}
	if _, err := rand.Read(sw.nonce[:PrefixSize]); err != nil {
		return nil, fmt.Errorf("stream: random prefix: %w", err)
	}
	if _, err := w.Write(sw.nonce[:PrefixSize]); err != nil {
		return nil, fmt.Errorf("stream: write prefix: %w", err)
	}
	return sw, nil
}

// Write buffers p and writes every chunk that is known not to be the last.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	written := 0
	for len(p) > 0 {
		// A full chunk is flushed only when more data follows, because the
		// last chunk may be full and must carry the last flag.
		if w.n == ChunkSize {
			if err := w.flush(false); err != nil {
				return written, err
			}
		}
		c := copy(w.buf[w.n:ChunkSize], p)
		w.n += c
		p = p[c:]
		written += c
	}
	return written, nil
}

// Close writes the last chunk. Writing after Close is an error.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.flush(true); err != nil {
		return err
	}
	w.err = errors.New("stream: write after close")
	return nil
}

func (w *Writer) flush(last bool) error {
	if w.counter == maxChunks && !last {
		w.err = errors.New("stream: too many chunks")
		return w.err
	}
	w.nonce.set(w.counter, last)
	ct := w.aead.Seal(w.buf[:0], w.nonce[:], w.buf[:w.n], w.aad)
	if _, err := w.w.Write(ct); err != nil {
		w.err = fmt.Errorf("stream: write chunk: %w", err)
		return w.err
	}
	w.counter++
	w.n = 0
	return nil
}

// Reader decrypts a stream. Every byte it returns has been authenticated,
// but a stream cut short or changed further on is only reported when the
// reader gets there: a caller must not act on the plaintext before Read
// has returned io.EOF.
type Reader struct {
	r       io.Reader
	aead    cipher.AEAD
	aad     []byte
	nonce   nonce
	counter uint32
	buf     []byte // one encrypted chunk plus one byte of look-ahead
	have    int    // bytes read into buf
	out     []byte // room for one decrypted chunk
	plain   []byte // decrypted bytes not yet returned
	done    bool   // the last chunk has been opened
	err     error
}

// NewReader reads the prefix from r and returns a Reader that decrypts with
// key and aad.
func NewReader(r io.Reader, key, aad []byte) (*Reader, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	sr := &Reader{r: r, aead: aead, aad: aad, buf: make([]byte, encChunk+1), out: make([]byte, ChunkSize)}
	if _, err := io.ReadFull(r, sr.nonce[:PrefixSize]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: stream shorter than its prefix", ErrAuth)
		}
		return nil, fmt.Errorf("stream: read prefix: %w", err)
	}
	return sr, nil
}

// Read returns authenticated plaintext, then io.EOF once the last chunk has
// been verified. Tampering gives an error wrapping ErrAuth.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.err = r.next()
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

func (r *Reader) next() error {
	n, err := io.ReadFull(r.r, r.buf[r.have:])
	r.have += n
	eof := false
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		eof = true
	case err != nil:
		return fmt.Errorf("stream: read chunk %d: %w", r.counter, err)
	}
	size := encChunk
	if eof {
		size = r.have
	}
	if size < tagSize {
		return fmt.Errorf("%w: chunk %d cut short", ErrAuth, r.counter)
	}
	if eof && size == tagSize && r.counter != 0 {
		// Writers never end a non-empty stream with an empty chunk.
		return fmt.Errorf("%w: empty last chunk", ErrAuth)
	}
	if !eof && r.counter == maxChunks {
		return fmt.Errorf("%w: too many chunks", ErrAuth)
	}
	r.nonce.set(r.counter, eof)
	plain, err := r.aead.Open(r.out[:0], r.nonce[:], r.buf[:size], r.aad)
	if err != nil {
		if eof {
			return fmt.Errorf("%w: last chunk %d does not open (cut short or changed)", ErrAuth, r.counter)
		}
		return fmt.Errorf("%w: chunk %d does not open (changed, moved or followed by extra data)", ErrAuth, r.counter)
	}
	r.counter++
	r.done = eof
	r.plain = plain
	if !eof {
		// The look-ahead byte is the first byte of the next chunk.
		r.buf[0] = r.buf[encChunk]
		r.have = 1
	}
	return nil
}
