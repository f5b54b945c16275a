package lan

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dinh/meeting"
	"dinh/offline/blob"
)

// ErrHostChanged means the host presented a key other than the pinned one:
// possibly a rogue laptop impersonating the secretariat.
var ErrHostChanged = meeting.ErrKeyMismatch

// ErrCorruptDocument means a document kept failing its hash check.
var ErrCorruptDocument = errors.New("the host keeps sending a document that does not match its hash")

// Client talks to one host address.
type Client struct {
	addr string
	pin  *meeting.Fingerprint
	http *http.Client
	// heartbeat is the host's keep-alive period: Watch gives up a stream
	// silent for three of them.
	heartbeat time.Duration
	// Who is how this device names itself to the host (none if zero).
	Who Device

	mu   sync.Mutex
	seen *meeting.Fingerprint // key presented in the last handshake
}

// NewClient returns a client for a host at addr ("ip:port"). With a nil pin
// any host key is accepted and reported, for the first join; with a pin, a
// handshake with any other key fails.
func NewClient(addr string, pin *meeting.Fingerprint) *Client {
	c := &Client{addr: addr, pin: pin, heartbeat: heartbeat}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 15 * time.Second}).DialContext,
		TLSHandshakeTimeout: 5 * time.Second,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     time.Minute,
		ForceAttemptHTTP2:   true,
		TLSClientConfig: &tls.Config{
			MinVersion: tls.VersionTLS13,
			// The certificate is self-signed; its key is checked against
			// the pin in VerifyConnection instead of a CA chain.
			InsecureSkipVerify: true,
			VerifyConnection:   c.verify,
		},
	}
	c.http = &http.Client{Transport: tr}
	return c
}

func (c *Client) verify(cs tls.ConnectionState) error {
	fp, err := peerFingerprint(cs)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.seen = &fp
	c.mu.Unlock()
	if c.pin != nil && *c.pin != fp {
		return fmt.Errorf("%w: pinned %s, host offered %s", ErrHostChanged, c.pin.Short(), fp.Short())
	}
	return nil
}

// Close drops idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

func (c *Client) get(ctx context.Context, path string, hdr http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+c.addr+path, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	c.Who.name(req.Header)
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, ErrHostChanged) {
			return nil, fmt.Errorf("%w", unwrapURL(err))
		}
		return nil, err
	}
	return resp, nil
}

// unwrapURL strips the URL and handshake wrappers from a key mismatch, and
// keeps the mismatch's own text, which names both fingerprints.
func unwrapURL(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil || u == ErrHostChanged || !errors.Is(u, ErrHostChanged) {
			return err
		}
		err = u
	}
}

// Package fetches and verifies the host's signed package. The package must
// be signed by the same key the TLS handshake presented, and by the pinned
// key when there is one. It returns the raw package for caching.
func (c *Client) Package(ctx context.Context) ([]byte, *meeting.Manifest, meeting.Fingerprint, error) {
	var fp meeting.Fingerprint
	resp, err := c.get(ctx, "/v1/package", nil)
	if err != nil {
		return nil, nil, fp, fmt.Errorf("fetch package: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fp, fmt.Errorf("fetch package: host answered %s", resp.Status)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 2*meeting.MaxJSONSize+1))
	if err != nil {
		return nil, nil, fp, fmt.Errorf("fetch package: %w", err)
	}
	c.mu.Lock()
	tlsFP := c.seen
	c.mu.Unlock()
	if tlsFP == nil {
		return nil, nil, fp, ErrNoHostKey
	}
	man, fp, err := meeting.Open(raw, tlsFP)
	if err != nil {
		return nil, nil, fp, fmt.Errorf("verify package: %w", err)
	}
	return raw, man, fp, nil
}

// Progress reports a download.
type Progress struct {
	Bytes, TotalBytes int64
	Docs, TotalDocs   int
	Current           string        // document being fetched
	Remaining         time.Duration // estimate; 0 when unknown
}

// Percent is how much has arrived, from 0 to 100: 100 when there is
// nothing to fetch.
func (p Progress) Percent() int {
	if p.TotalBytes <= 0 {
		return 100
	}
	return int(p.Bytes * 100 / p.TotalBytes)
}

// Fetch downloads every document of man that blobs lacks, resuming partial
// files, and verifies each by hash before it becomes visible. A document
// whose bytes mismatch is discarded and fetched again, up to three times.
func (c *Client) Fetch(ctx context.Context, man *meeting.Manifest, blobs *blob.Store, progress func(Progress)) error {
	p := Progress{TotalDocs: len(man.Documents), TotalBytes: man.TotalSize()}
	var todo []meeting.Document
	for _, d := range man.Documents {
		if blobs.Has(d.SHA256, d.Size) {
			p.Docs++
			p.Bytes += d.Size
		} else {
			todo = append(todo, d)
		}
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	progress(p)
	start, startBytes := time.Now(), p.Bytes
	var lastReport time.Time
	report := func(force bool) {
		if !force && time.Since(lastReport) < 100*time.Millisecond {
			return
		}
		lastReport = time.Now()
		if el := time.Since(start); el > 300*time.Millisecond && p.Bytes > startBytes {
			rate := float64(p.Bytes-startBytes) / el.Seconds()
			p.Remaining = time.Duration(float64(p.TotalBytes-p.Bytes) / rate * float64(time.Second))
		}
		progress(p)
	}
	for _, d := range todo {
		p.Current = d.Name
		var err error
		for attempt := 0; attempt < 3; attempt++ {
			base := p.Bytes
			err = c.fetchDoc(ctx, d, blobs, func(n int64) {
				p.Bytes = base + n
				report(false)
			})
			if !errors.Is(err, blob.ErrHashMismatch) {
				break
			}
			p.Bytes = base
		}
		if errors.Is(err, blob.ErrHashMismatch) {
			return fmt.Errorf("%w: %s", ErrCorruptDocument, d.Name)
		}
		if err != nil {
			return fmt.Errorf("fetch %s: %w", d.Name, err)
		}
		p.Docs++
		report(true)
	}
	p.Current, p.Remaining = "", 0
	progress(p)
	return nil
}

// fetchDoc fetches one document into its partial file, resuming, and
// commits it. got reports bytes held so far for this document.
func (c *Client) fetchDoc(ctx context.Context, d meeting.Document, blobs *blob.Store, got func(int64)) error {
	f, off, err := blobs.Partial(d.SHA256, d.Size)
	if err != nil {
		return err
	}
	defer f.Close()
	got(off)
	if off < d.Size {
		hdr := http.Header{}
		if off > 0 {
			hdr.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
		}
		resp, err := c.get(ctx, "/v1/docs/"+d.SHA256, hdr)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			if err := f.Truncate(0); err != nil {
				return err
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			off = 0
		case http.StatusPartialContent:
		case http.StatusRequestedRangeNotSatisfiable:
			blobs.Discard(d.SHA256)
			return blob.ErrHashMismatch
		default:
			return fmt.Errorf("host answered %s", resp.Status)
		}
		// Never accept more bytes than the manifest promised.
		body := io.LimitReader(resp.Body, d.Size-off+1)
		buf := make([]byte, 256<<10)
		for {
			n, rerr := body.Read(buf)
			if n > 0 {
				if _, werr := f.Write(buf[:n]); werr != nil {
					return fmt.Errorf("write: %w", werr)
				}
				off += int64(n)
				got(off)
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				return rerr
			}
		}
		if off != d.Size {
			if off > d.Size {
				blobs.Discard(d.SHA256)
				return blob.ErrHashMismatch
			}
			return fmt.Errorf("host sent %d of %d bytes", off, d.Size)
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return blobs.Commit(d.SHA256)
}

// Watch reads the host's event stream and calls onVersion with each
// package version announced, until ctx is done or the stream breaks. A
// stream silent for three heartbeats counts as broken.
func (c *Client) Watch(ctx context.Context, onVersion func(int64)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := c.get(ctx, "/v1/events", nil)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("watch: host answered %s", resp.Status)
	}
	alive := make(chan struct{}, 1)
	var silent atomic.Bool
	patience := 3 * c.heartbeat
	go func() {
		t := time.NewTimer(patience)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-alive:
				t.Reset(patience)
			case <-t.C:
				silent.Store(true)
				cancel()
				return
			}
		}
	}()
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 1<<40))
	sc.Buffer(make([]byte, 4096), 4096)
	var event string
	for sc.Scan() {
		select {
		case alive <- struct{}{}:
		default:
		}
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "package":
			if v, err := strconv.ParseInt(strings.TrimPrefix(line, "data: "), 10, 64); err == nil {
				onVersion(v)
			}
		case line == "":
			event = ""
		}
	}
	if silent.Load() {
		return fmt.Errorf("watch: the host was silent for %v", patience)
	}
	if ctx.Err() != nil && ctx.Err() != context.Canceled {
		return ctx.Err()
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	return fmt.Errorf("watch: the host closed the event stream")
}
