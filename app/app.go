package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"dinh/assets"
	"dinh/internal/i18n"
	"dinh/sync/room"
)

// Config is what main hands to the interface.
type Config struct {
	DataDir string          // the device's data folder
	Ifaces  []net.Interface // interfaces mDNS uses
	Demo    bool            // host the embedded demo meeting in this process
	Log     *slog.Logger
}

// UI is the running interface.
type UI struct {
	app    fyne.App
	win    fyne.Window
	cfg    Config
	stop   chan struct{} // closed when the window closes
	closed bool
	wg     sync.WaitGroup

	host      *hostScreen
	delegate  *delegateScreen
	volunteer *volunteerScreen
	tabs      *container.AppTabs
	closers   []func()
}

// fyneLanguage makes Fyne's own words (file dialogs, the entry's menu,
// the date picker's days) follow the app's language. Fyne 2.7 ships no
// Vietnamese (it is added from assets/fyne), and it picks its language
// from the system's locales: the environment on Linux, the user's
// settings on Windows, which a running app cannot change. So the words
// of the app's language are put under the locale Fyne picks, as well as
// under their own: on every system they are what Fyne says at once.
func fyneLanguage(l string) {
	words := assets.FyneEnglish()
	if l == "vi" {
		words = assets.FyneVietnamese()
	}
	for _, loc := range []fyne.Locale{fyne.Locale(l), lang.SystemLocale()} {
		if err := lang.AddTranslationsForLocale(words, loc); err != nil {
			fyne.LogError("Fyne's words in "+l, err)
		}
	}
}

// New builds the main window and starts the background services: the
// delegate's LAN directory and, in demo mode, the demo host.
func New(a fyne.App, cfg Config) (*UI, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	i18n.SetLanguage(a.Preferences().StringWithFallback("language", i18n.Languages[0]))
	fyneLanguage(i18n.Language())
	a.Settings().SetTheme(newTheme())
	u := &UI{app: a, cfg: cfg, stop: make(chan struct{})}
	u.win = a.NewWindow(i18n.T("app.title"))
	// A size that fits a 1024×768 screen; everything also works smaller.
	u.win.Resize(fyne.NewSize(1024, 640))

	dst, dbl, err := room.OpenData(filepath.Join(cfg.DataDir, "delegate"))
	if err != nil {
		return nil, err
	}
	u.closers = append(u.closers, func() { dst.Close() })
	u.delegate = newDelegateScreen(u, dst, dbl)

	hostDir := filepath.Join(cfg.DataDir, "host")
	hst, hbl, err := room.OpenData(hostDir)
	if err != nil {
		u.Close()
		return nil, err
	}
	u.closers = append(u.closers, func() { hst.Close() })
	u.host = newHostScreen(u, hst, hbl)

	if cfg.Demo {
		folder, m, err := room.WriteDemo(hostDir, "")
		if err != nil {
			u.Close()
			return nil, fmt.Errorf("demo meeting: %w", err)
		}
		u.host.loadMeeting(m, folder)
		u.host.publish()
		if u.host.host != nil {
			// Both ends run in this process, so the delegate may trust
			// its own host's key without asking.
			if err := dst.SetPin(m.ID, u.host.host.Fingerprint().String()); err != nil {
				u.Close()
				return nil, err
			}
			u.delegate.meetings.autoJoin, u.delegate.autoOpen = m.ID, true
		}
	}
	u.volunteer = newVolunteerScreen(u, filepath.Join(cfg.DataDir, "volunteer"))
	u.closers = append(u.closers, u.volunteer.close)
	if cfg.Demo {
		// The demo's own administrator: in the field, the keys come from
		// the team's administrator.
		u.volunteer.adminDir = filepath.Join(cfg.DataDir, "volunteer-admin")
	}
	u.build()
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if u.tabs != nil && u.tabs.Selected() != nil && u.tabs.Selected().Content == u.volunteer.root {
			u.volunteer.dropped(uris)
		}
	})
	u.win.SetCloseIntercept(func() {
		u.Close()
		u.win.Close()
	})
	return u, nil
}

// goService starts a background service whose context ends when the
// window closes; Close waits for it.
func (u *UI) goService(f func(ctx context.Context)) {
	ctx, cancel := u.lifetime()
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		defer cancel()
		f(ctx)
	}()
}

// lifetime is a context that ends when the window closes or when cancel
// is called, whichever comes first.
func (u *UI) lifetime() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-u.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

func (u *UI) build() {
	// Each language by its own name, in its own language.
	var names []string
	for _, l := range i18n.Languages {
		names = append(names, i18n.In(l, "lang.name"))
	}
	lang := widget.NewSelect(names, nil)
	lang.SetSelected(i18n.In(i18n.Language(), "lang.name"))
	lang.OnChanged = func(s string) {
		l := i18n.Languages[0]
		for _, x := range i18n.Languages {
			if i18n.In(x, "lang.name") == s {
				l = x
			}
		}
		if l == i18n.Language() {
			return
		}
		i18n.SetLanguage(l)
		fyneLanguage(l)
		u.app.Preferences().SetString("language", l)
		u.win.SetTitle(i18n.T("app.title"))
		u.refreshContent()
	}
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(i18n.T("tab.delegate"), iconDelegate(), u.delegate.content()),
		container.NewTabItemWithIcon(i18n.T("tab.host"), iconHost(), u.host.content()),
		container.NewTabItemWithIcon(i18n.T("tab.volunteer"), iconVolunteer(), u.volunteer.content()),
	)
	top := readingBorder(nil, nil, widget.NewLabelWithStyle(i18n.T("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), lang)
	u.win.SetContent(readingBorder(top, nil, nil, nil, u.tabs))
}

// refreshContent rebuilds the screens in the new language, keeping state.
func (u *UI) refreshContent() {
	sel := u.tabs.SelectedIndex()
	u.delegate.rebuild()
	u.host.rebuild()
	u.build()
	u.tabs.SelectIndex(sel)
}

// Window is the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Start begins the services once the first frame is up.
func (u *UI) Start() {
	u.delegate.start()
	u.volunteer.startSync()
}

// Close stops every service and waits for them.
func (u *UI) Close() {
	if u.closed {
		return
	}
	u.closed = true
	close(u.stop)
	u.delegate.close()
	u.wg.Wait()
	for i := len(u.closers) - 1; i >= 0; i-- {
		u.closers[i]()
	}
}

// Run shows the window and blocks until it is closed.
func Run(a fyne.App, cfg Config) error {
	u, err := New(a, cfg)
	if err != nil {
		return err
	}
	a.Lifecycle().SetOnStarted(u.Start)
	u.win.ShowAndRun()
	u.Close()
	return nil
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// post applies f on the UI goroutine. It is fyne.Do; the tests replace it
// with a queue that the test goroutine drains, because Fyne's test driver
// would otherwise run f at once on the calling goroutine, concurrently
// with the test.
var post = fyne.Do
