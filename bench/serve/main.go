// Command serve compares how fast a Đình host serves a meeting package to
// many delegates at once with how fast nginx serves the same files over
// HTTPS to the same clients, on loopback, in one run.
//
//	go run ./bench/serve [-clients 50] [-mb 100] [-out FILE]
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dinh/meeting"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/lan"
)

func main() {
	clients := flag.Int("clients", 50, "concurrent delegates")
	mb := flag.Int("mb", 100, "package size in MB")
	docs := flag.Int("docs", 10, "documents in the package")
	out := flag.String("out", "", "also write the markdown table to this file")
	flag.Parse()
	log.SetFlags(0)

	work, err := os.MkdirTemp("", "dinh-bench-serve-")
	check(err)
	defer os.RemoveAll(work)

	// A meeting folder of random PDFs-by-name.
	folder := filepath.Join(work, "meeting")
	os.MkdirAll(folder, 0o755)
	m := &meeting.Meeting{ID: "bench", Title: "Benchmark", Start: time.Now()}
	per := int64(*mb) << 20 / int64(*docs)
	for i := 0; i < *docs; i++ {
		name := fmt.Sprintf("doc-%02d.pdf", i)
		f, err := os.Create(filepath.Join(folder, name))
		check(err)
		_, err = io.CopyN(f, rand.Reader, per)
		check(err)
		f.Close()
		m.Agenda = append(m.Agenda, meeting.Item{Title: name, Documents: []string{name}})
	}
	st, err := store.Open(filepath.Join(work, "host"))
	check(err)
	defer st.Close()
	bl, err := blob.Open(filepath.Join(work, "host", "blobs"))
	check(err)
	key, err := st.HostKey()
	check(err)
	raw, man, err := lan.PublishFolder(st, bl, key, m, folder, lan.PublishOptions{}, time.Now())
	check(err)
	h := lan.NewHost(key, bl, nil)
	check(h.Publish(raw))

	ctx, cancel := context.WithCancel(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, ln) }()
	ours := run(ln.Addr().String(), man, *clients, func(d meeting.Document) string { return "/v1/docs/" + d.SHA256 })
	cancel()
	<-done

	var theirs result
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx = "/usr/sbin/nginx"
	}
	if _, err := os.Stat(nginx); err == nil {
		addr, stop := startNginx(nginx, work, key, bl, man)
		theirs = run(addr, man, *clients, func(d meeting.Document) string { return "/objects/" + d.SHA256[:2] + "/" + d.SHA256 })
		stop()
	} else {
		log.Print("nginx not found; install Debian's nginx to compare")
	}

	var b strings.Builder
	fmt.Fprintf(&b, "| server | clients | package | total | time | throughput |\n|---|---|---|---|---|---|\n")
	row := func(name string, r result) {
		fmt.Fprintf(&b, "| %s | %d | %d MB | %.1f GB | %.2f s | %.0f MB/s |\n", name, *clients, *mb,
			float64(r.bytes)/(1<<30), r.took.Seconds(), float64(r.bytes)/(1<<20)/r.took.Seconds())
	}
	row("Đình host (Go, TLS 1.3)", ours)
	if theirs.bytes > 0 {
		row("nginx (Debian, TLS 1.3)", theirs)
		fmt.Fprintf(&b, "\nRatio Đình / nginx throughput: **%.2f×** (goal ≥ 0.8×)\n",
			(float64(ours.bytes)/ours.took.Seconds())/(float64(theirs.bytes)/theirs.took.Seconds()))
	}
	fmt.Print(b.String())
	if *out != "" {
		check(os.WriteFile(*out, []byte(b.String()), 0o644))
	}
}

type result struct {
	bytes int64
	took  time.Duration
}

// run has n clients, each on its own TLS connection, fetch every document
// once, discarding the bytes, and measures the wall time.
func run(addr string, man *meeting.Manifest, n int, path func(meeting.Document) string) result {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var total int64
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{
				TLSClientConfig:   &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13},
				ForceAttemptHTTP2: false,
				TLSNextProto:      map[string]func(string, *tls.Conn) http.RoundTripper{},
			}}
			var got int64
			for _, d := range man.Documents {
				resp, err := c.Get("https://" + addr + path(d))
				check(err)
				k, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				check(err)
				if k != d.Size {
					log.Fatalf("%s: got %d bytes, want %d", d.Name, k, d.Size)
				}
				got += k
			}
			mu.Lock()
			total += got
			mu.Unlock()
		}()
	}
	wg.Wait()
	return result{total, time.Since(start)}
}

// startNginx serves the blob folder with the host's own Ed25519 certificate.
func startNginx(bin, work string, key ed25519.PrivateKey, bl *blob.Store, man *meeting.Manifest) (string, func()) {
	cert, err := lan.Certificate(key)
	check(err)
	dir := filepath.Join(work, "nginx")
	os.MkdirAll(dir, 0o755)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	der, err := x509.MarshalPKCS8PrivateKey(key)
	check(err)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), keyPEM, 0o600)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	addr := ln.Addr().String()
	ln.Close()
	root := filepath.Dir(filepath.Dir(filepath.Dir(bl.Path(man.Documents[0].SHA256))))
	conf := fmt.Sprintf(`daemon off;
user root;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %[1]s; proxy_temp_path %[1]s; fastcgi_temp_path %[1]s; uwsgi_temp_path %[1]s; scgi_temp_path %[1]s;
  sendfile on;
  server {
    listen %[2]s ssl;
    ssl_certificate %[1]s/cert.pem;
    ssl_certificate_key %[1]s/key.pem;
    ssl_protocols TLSv1.3;
    root %[3]s;
  }
}
`, dir, addr, root)
	check(os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644))
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	cmd.Stderr = os.Stderr
	check(cmd.Start())
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log.Fatal("nginx did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, func() { cmd.Process.Kill(); cmd.Wait() }
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
