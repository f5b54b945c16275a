package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	fitz "github.com/gen2brain/go-fitz"

	"dinh/meeting/demo"
	"dinh/meeting/pdf"
)

type options struct {
	out      string
	dirs     string
	maxFiles int
	maxSize  int64
	maxPages int
	dpi      float64
	runs     int
	mutool   string
	noFitz   bool
}

func main() {
	var o options
	flag.StringVar(&o.out, "out", "", "also write the markdown report to this file")
	flag.StringVar(&o.dirs, "dirs", "/usr/share", "comma-separated directories to search for real PDFs")
	flag.IntVar(&o.maxFiles, "max-files", 8, "at most this many real PDFs")
	flag.Int64Var(&o.maxSize, "max-size", 50<<20, "skip real PDFs larger than this many bytes")
	flag.IntVar(&o.maxPages, "max-pages", 300, "render at most this many pages of each file")
	flag.Float64Var(&o.dpi, "dpi", 150, "resolution")
	flag.IntVar(&o.runs, "runs", 3, "take the best of this many runs")
	flag.StringVar(&o.mutool, "mutool", "mutool", "mutool binary (Debian: mupdf-tools)")
	flag.BoolVar(&o.noFitz, "no-fitz", false, "skip the go-fitz column")
	flag.Parse()
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

type row struct {
	name       string
	pages      int
	ours       time.Duration // per page
	fitz       time.Duration // per page, 0 if not measured
	mutool     time.Duration // per page, 0 if unavailable
	diff       float64       // mean absolute difference from mutool on page 1, per channel
	diffOK     bool
	mutoolNote string
}

func run(o options, stdout io.Writer) error {
	tmp, err := os.MkdirTemp("", "dinh-bench-render-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	gen := filepath.Join(tmp, "to-trinh-300-trang.pdf")
	if err := writeGenerated(gen, 300); err != nil {
		return err
	}
	files := append([]string{gen}, findPDFs(o)...)

	startup, mutoolErr := mutoolStartup(o)
	var rows []row
	var skipped []string
	for _, f := range files {
		r, err := measure(o, f, startup, mutoolErr)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		if f == gen {
			r.name = "generated: 300-page tờ trình (demo.WritePDF)"
		}
		rows = append(rows, r)
		fmt.Fprintf(os.Stderr, "measured %s\n", f)
	}
	first, err := openFirstPage(gen, o)
	if err != nil {
		return err
	}

	var b strings.Builder
	report(&b, o, rows, skipped, first, startup, mutoolErr)
	fmt.Fprint(stdout, b.String())
	if o.out != "" {
		return os.WriteFile(o.out, []byte(b.String()), 0o644)
	}
	return nil
}

func writeGenerated(path string, pages int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = demo.WritePDF(w, demo.PDFSpec{
		Title:    "Tờ trình về dự toán ngân sách xã năm 2027",
		Subtitle: "Ủy ban nhân dân xã Tân Trào",
		Pages:    pages,
		Seed:     2027,
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// findPDFs walks the directories for real PDFs, smallest path first, that
// our package can open.
func findPDFs(o options) []string {
	var out []string
	for _, dir := range strings.Split(o.dirs, ",") {
		dir = strings.TrimSpace(dir)
		if dir == "" {
			continue
		}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".pdf") {
				return nil
			}
			if info, err := d.Info(); err != nil || !info.Mode().IsRegular() || info.Size() > o.maxSize {
				return nil
			}
			out = append(out, p)
			return nil
		})
	}
	slices.Sort(out)
	var usable []string
	for _, p := range out {
		if len(usable) == o.maxFiles {
			break
		}
		d, err := pdf.Open(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "skip %s: %v\n", p, err)
			continue
		}
		d.Close()
		usable = append(usable, p)
	}
	return usable
}

func measure(o options, path string, startup time.Duration, mutoolErr error) (row, error) {
	r := row{name: path}
	d, err := pdf.Open(path)
	if err != nil {
		return r, err
	}
	r.pages = min(d.NumPages(), o.maxPages)
	d.Close()

	r.ours, err = best(o.runs, func() (time.Duration, error) { return timeOurs(path, r.pages, o.dpi) })
	if err != nil {
		return r, fmt.Errorf("ours: %w", err)
	}
	if !o.noFitz {
		r.fitz, err = best(o.runs, func() (time.Duration, error) { return timeFitz(path, r.pages, o.dpi) })
		if err != nil {
			r.fitz = 0
		}
	}
	if mutoolErr != nil {
		r.mutoolNote = "n/a"
		return r, nil
	}
	total, err := best(o.runs, func() (time.Duration, error) { return timeMutool(o, path, r.pages) })
	if err != nil {
		r.mutoolNote = "failed"
		return r, nil
	}
	r.mutool = max(total-startup, 0) / time.Duration(r.pages)
	r.diff, r.diffOK = compareFirstPage(o, path)
	return r, nil
}

func best(runs int, f func() (time.Duration, error)) (time.Duration, error) {
	var b time.Duration
	for i := 0; i < max(runs, 1); i++ {
		d, err := f()
		if err != nil {
			return 0, err
		}
		if i == 0 || d < b {
			b = d
		}
	}
	return b, nil
}

// timeOurs opens the file once and renders the pages in order on one core;
// it returns the time per page, open included.
func timeOurs(path string, pages int, dpi float64) (time.Duration, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC()
	start := time.Now()
	d, err := pdf.Open(path)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	for i := 0; i < pages; i++ {
		if _, err := d.Render(i, dpi); err != nil {
			return 0, fmt.Errorf("page %d: %w", i+1, err)
		}
	}
	return time.Since(start) / time.Duration(pages), nil
}

func timeFitz(path string, pages int, dpi float64) (time.Duration, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC()
	start := time.Now()
	d, err := fitz.New(path)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	for i := 0; i < pages; i++ {
		if _, err := d.ImageDPI(i, dpi); err != nil {
			return 0, fmt.Errorf("page %d: %w", i+1, err)
		}
	}
	return time.Since(start) / time.Duration(pages), nil
}

func dpiArg(dpi float64) string { return strconv.FormatFloat(dpi, 'f', -1, 64) }

// timeMutool runs one `mutool draw` over the pages and returns its wall
// time.
func timeMutool(o options, path string, pages int) (time.Duration, error) {
	cmd := exec.Command(o.mutool, "draw", "-q", "-F", "pam", "-r", dpiArg(o.dpi), "-o", os.DevNull, path, fmt.Sprintf("1-%d", pages))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return time.Since(start), nil
}

// mutoolStartup measures starting and ending a mutool process.
func mutoolStartup(o options) (time.Duration, error) {
	var times []time.Duration
	for i := 0; i < 7; i++ {
		cmd := exec.Command(o.mutool, "-v")
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, err
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

// compareFirstPage renders page 1 with mutool and with us and returns the
// mean absolute difference per colour channel (0–255).
func compareFirstPage(o options, path string) (float64, bool) {
	out, err := exec.Command(o.mutool, "draw", "-q", "-F", "pam", "-r", dpiArg(o.dpi), "-o", "-", path, "1").Output()
	if err != nil {
		return 0, false
	}
	ref, err := parsePAM(out)
	if err != nil {
		return 0, false
	}
	d, err := pdf.Open(path)
	if err != nil {
		return 0, false
	}
	defer d.Close()
	img, err := d.Render(0, o.dpi)
	if err != nil {
		return 0, false
	}
	b := img.Bounds().Intersect(ref.Bounds())
	if b.Empty() {
		return 0, false
	}
	var sum, n int64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := img.PixOffset(x, y)
			q := ref.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				v := int64(img.Pix[p+c]) - int64(ref.Pix[q+c])
				sum += max(v, -v)
				n++
			}
		}
	}
	return float64(sum) / float64(n), true
}

// parsePAM reads a P7 PAM image of depth 3 (RGB) or 4 (RGB_ALPHA, which
// mutool writes when the output is not a file name with a page pattern).
func parsePAM(b []byte) (*image.RGBA, error) {
	end := bytes.Index(b, []byte("ENDHDR\n"))
	if !bytes.HasPrefix(b, []byte("P7\n")) || end < 0 {
		return nil, fmt.Errorf("not a pam image")
	}
	fields := map[string]int{}
	for _, l := range strings.Split(string(b[3:end]), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 {
			if v, err := strconv.Atoi(f[1]); err == nil {
				fields[f[0]] = v
			}
		}
	}
	w, h, depth := fields["WIDTH"], fields["HEIGHT"], fields["DEPTH"]
	data := b[end+len("ENDHDR\n"):]
	if w <= 0 || h <= 0 || (depth != 3 && depth != 4) || len(data) < w*h*depth {
		return nil, fmt.Errorf("unsupported pam %dx%dx%d", w, h, depth)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		px := data[depth*i : depth*i+depth]
		for c := 0; c < 3; c++ {
			v := px[c]
			if depth == 4 {
				// MuPDF writes premultiplied samples; composite on white
				// paper as our renderer does.
				v += 255 - px[3]
			}
			img.Pix[4*i+c] = v
		}
		img.Pix[4*i+3] = 255
	}
	return img, nil
}

type firstPage struct {
	pages    int
	ours     time.Duration
	fitz     time.Duration
	mutool   time.Duration
	mutoolOK bool
}

// openFirstPage times opening the generated document and rendering page 1,
// median of 9 runs.
func openFirstPage(path string, o options) (firstPage, error) {
	var f firstPage
	median := func(f func() (time.Duration, error)) (time.Duration, error) {
		var ts []time.Duration
		for i := 0; i < 9; i++ {
			t, err := f()
			if err != nil {
				return 0, err
			}
			ts = append(ts, t)
		}
		slices.Sort(ts)
		return ts[len(ts)/2], nil
	}
	var err error
	f.ours, err = median(func() (time.Duration, error) {
		runtime.GC()
		start := time.Now()
		d, err := pdf.Open(path)
		if err != nil {
			return 0, err
		}
		f.pages = d.NumPages()
		_, err = d.Render(0, o.dpi)
		t := time.Since(start)
		d.Close()
		return t, err
	})
	if err != nil {
		return f, err
	}
	if !o.noFitz {
		f.fitz, _ = median(func() (time.Duration, error) {
			runtime.GC()
			start := time.Now()
			d, err := fitz.New(path)
			if err != nil {
				return 0, err
			}
			_, err = d.ImageDPI(0, o.dpi)
			t := time.Since(start)
			d.Close()
			return t, err
		})
	}
	if t, err := median(func() (time.Duration, error) { return timeMutool(o, path, 1) }); err == nil {
		f.mutool, f.mutoolOK = t, true
	}
	return f, nil
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

func report(b *strings.Builder, o options, rows []row, skipped []string, first firstPage, startup time.Duration, mutoolErr error) {
	fmt.Fprintf(b, "## Page rendering at %g DPI\n\n", o.dpi)
	fmt.Fprintf(b, "%s, %s/%s, Go %s, %d CPU. MuPDF 1.24.9 (go-fitz bundle) in process; %s.\n\n",
		time.Now().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, strings.TrimPrefix(runtime.Version(), "go"),
		runtime.NumCPU(), mutoolVersion(o))
	b.WriteString("| file | pages | ours ms/page | go-fitz ImageDPI ms/page | mutool draw ms/page | ours / mutool | Δ vs mutool, page 1 |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	var sumOurs, sumMutool time.Duration
	for _, r := range rows {
		fz, mt, ratio, diff := "–", "–", "–", "–"
		if r.fitz > 0 {
			fz = ms(r.fitz)
		}
		if r.mutoolNote != "" {
			mt = r.mutoolNote
		} else if r.mutool > 0 {
			mt = ms(r.mutool)
			ratio = strconv.FormatFloat(float64(r.ours)/float64(r.mutool), 'f', 2, 64) + "×"
			sumOurs += r.ours * time.Duration(r.pages)
			sumMutool += r.mutool * time.Duration(r.pages)
		}
		if r.diffOK {
			diff = strconv.FormatFloat(r.diff, 'f', 2, 64) + "/255"
		}
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %s |\n", r.name, r.pages, ms(r.ours), fz, mt, ratio, diff)
	}
	if sumMutool > 0 {
		fmt.Fprintf(b, "| **all pages** | | | | | **%.2f×** | |\n", float64(sumOurs)/float64(sumMutool))
	}
	b.WriteString("\n")
	if mutoolErr != nil {
		fmt.Fprintf(b, "mutool unavailable: %v\n\n", mutoolErr)
	} else {
		fmt.Fprintf(b, "mutool process start-up (%s ms, `mutool -v`) is subtracted once per file. Both sides open each file once and render its pages in order on one core; ours produces an `*image.RGBA`, mutool writes PAM to %s.\n\n", ms(startup), os.DevNull)
	}
	fmt.Fprintf(b, "**Open → first page** of the generated %d-page document at %g DPI (median of 9): ours %s ms", first.pages, o.dpi, ms(first.ours))
	if first.fitz > 0 {
		fmt.Fprintf(b, ", go-fitz %s ms", ms(first.fitz))
	}
	if first.mutoolOK {
		fmt.Fprintf(b, ", mutool %s ms including process start", ms(first.mutool))
	}
	b.WriteString(" (goal < 150 ms).\n")
	if len(skipped) > 0 {
		b.WriteString("\nSkipped:\n")
		for _, s := range skipped {
			fmt.Fprintf(b, "- %s\n", s)
		}
	}
}

func mutoolVersion(o options) string {
	out, err := exec.Command(o.mutool, "-v").CombinedOutput()
	if err != nil {
		return "mutool not found"
	}
	return strings.TrimSpace(string(out))
}
