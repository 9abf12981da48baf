package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/web"
)

// noData checks a refused response shows nothing of the tickets.
func noData(t *testing.T, what, body string) {
	t.Helper()
	for _, secret := range []string{"星光", "王小明", "13987654321", "#1 ", "/console/t/1"} {
		if strings.Contains(body, secret) {
			t.Errorf("%s: the refusal shows %q", what, secret)
		}
	}
}

func TestSecurity(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			e := newEnv(t, st.open)
			ctx := context.Background()
			n := e.file(intake.Ticket{})
			a := e.signedIn(mediatorA)
			if code, _ := a.post("/console/t/1/claim", nil); code != http.StatusSeeOther {
				t.Fatalf("claim: %d", code)
			}

			t.Run("NoCookie", func(t *testing.T) {
				c := e.client()
				for _, p := range []string{"/console/", "/console/t/1", "/console/t/1/evidence/0", "/console/dashboard", "/console/queue.csv", "/console/admin/audit"} {
					code, body := c.get(p)
					if code != http.StatusUnauthorized {
						t.Errorf("GET %s without a cookie: %d", p, code)
					}
					noData(t, p, body)
				}
				if code, _ := c.post("/console/t/1/close", nil); code != http.StatusUnauthorized {
					t.Errorf("POST without a cookie: %d", code)
				}
			})

			t.Run("ExpiredLink", func(t *testing.T) {
				link := e.link(mediatorB)
				e.clock.Add(console_LinkValidity + time.Second)
				c := e.client()
				code, body := c.post(link, nil)
				if code != http.StatusUnauthorized || len(c.cookies) != 0 || !strings.Contains(body, "/console") {
					t.Errorf("an expired link: %d, cookies %v\n%s", code, c.cookies, body)
				}
				noData(t, "expired link", body)
			})

			t.Run("ReusedLink", func(t *testing.T) {
				link := e.link(mediatorB)
				// Opening the link (a chat app's preview does) does not use it.
				if code, _ := e.client().get(link); code != http.StatusOK {
					t.Fatalf("GET of a link: %d", code)
				}
				if code, _ := e.client().post(link, nil); code != http.StatusSeeOther {
					t.Fatalf("first use: %d", code)
				}
				c := e.client()
				code, body := c.post(link, nil)
				if code != http.StatusUnauthorized || len(c.cookies) != 0 {
					t.Errorf("a second use: %d, cookies %v", code, c.cookies)
				}
				noData(t, "reused link", body)
			})

			t.Run("LinksOnlyForStaff", func(t *testing.T) {
				if _, _, err := e.console.SignInLink(ctx, worker); err == nil {
					t.Error("a worker got a sign-in link")
				}
			})

			t.Run("AnotherUsersTicket", func(t *testing.T) {
				// Mediator B is signed in, but #1 is A's: contact details
				// masked, no evidence, no trail, no actions.
				b := e.signedIn(mediatorB)
				code, body := b.get("/console/t/1")
				if code != http.StatusOK || strings.Contains(body, "13987654321") || strings.Contains(body, "timeline") {
					t.Errorf("B's view of A's ticket: %d", code)
				}
				if code, body := b.get("/console/t/1/evidence/0"); code != http.StatusForbidden || strings.Contains(body, "PNG") {
					t.Errorf("B opening A's evidence: %d", code)
				}
				for _, action := range []string{"note", "message", "close", "mediate", "evidence"} {
					if code, _ := b.post("/console/t/1/"+action, url.Values{"text": {"x"}}); code != http.StatusForbidden {
						t.Errorf("B's %s on A's ticket: %d", action, code)
					}
				}
				if tk, _ := e.svc.Ticket(ctx, admin, n); tk.State != intake.StateClaimed {
					t.Errorf("after B's attempts the ticket is %s", tk.State)
				}
				if len(e.msgs.sent) != 0 {
					t.Errorf("B sent the worker %v", e.msgs.sent)
				}
			})

			t.Run("CrossOriginForm", func(t *testing.T) {
				evil := *a
				evil.header = http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}
				code, body := evil.post("/console/t/1/close", url.Values{"text": {"forged"}})
				if code != http.StatusForbidden {
					t.Errorf("a forged form from another site: %d", code)
				}
				noData(t, "forged form", body)
				old := *a
				old.header = http.Header{"Origin": {"https://evil.example"}} // a browser without Sec-Fetch-Site
				if code, _ := old.post("/console/t/1/close", nil); code != http.StatusForbidden {
					t.Errorf("a forged form (Origin only): %d", code)
				}
				if tk, _ := e.svc.Ticket(ctx, admin, n); tk.State != intake.StateClaimed {
					t.Errorf("the forged form closed the ticket: %s", tk.State)
				}
			})

			t.Run("MediatorOnAdminPages", func(t *testing.T) {
				for _, p := range []string{"/console/admin/mediators", "/console/admin/audit"} {
					code, body := a.get(p)
					if code != http.StatusForbidden || strings.Contains(body, "902") {
						t.Errorf("a mediator on %s: %d", p, code)
					}
				}
				if code, _ := a.post("/console/admin/mediators", url.Values{"id": {"555"}}); code != http.StatusForbidden {
					t.Errorf("a mediator adding a mediator: %d", code)
				}
				if code, _ := a.post("/console/admin/mediators/902/remove", nil); code != http.StatusForbidden {
					t.Errorf("a mediator removing a mediator: %d", code)
				}
				if ok, _ := e.store.IsMediator(ctx, 555); ok {
					t.Error("the mediator's form added a mediator")
				}
				if code, _ := a.get("/console/queue.csv?personal=1"); code != http.StatusForbidden {
					t.Errorf("a mediator's export with personal data: %d", code)
				}
			})

			t.Run("WorkerWithCraftedCookie", func(t *testing.T) {
				c := e.client()
				for _, v := range []string{"700", "user:700", strings.Repeat("A", 52)} {
					c.cookies = []*http.Cookie{{Name: "__Host-laborbot_console", Value: v}, {Name: "laborbot_console", Value: v}}
					code, body := c.get("/console/")
					if code != http.StatusUnauthorized {
						t.Errorf("crafted cookie %q: %d", v, code)
					}
					noData(t, "crafted cookie", body)
				}
				// Even a real session for a worker's id (as if forged in
				// the store) gets nothing: roles are checked on every
				// request.
				id := web.NewToken()
				now := e.clock.Now()
				if err := e.store.PutSession(ctx, web.Session{Hash: web.TokenHash(id), UserID: worker, Site: "console", At: now, LastSeen: now}, time.Hour); err != nil {
					t.Fatal(err)
				}
				c.cookies = []*http.Cookie{{Name: "__Host-laborbot_console", Value: id}}
				code, body := c.get("/console/t/1")
				if code != http.StatusForbidden {
					t.Errorf("a worker's session: %d", code)
				}
				noData(t, "worker session", body)
			})

			t.Run("RemovedMediatorLosesAccessAtOnce", func(t *testing.T) {
				b := e.signedIn(mediatorB)
				if code, _ := b.get("/console/"); code != http.StatusOK {
					t.Fatalf("B's queue: %d", code)
				}
				// Removed in Telegram (/mediator remove): the console hears
				// of it through intake on the next request.
				if err := e.svc.RemoveMediator(ctx, admin, mediatorB); err != nil {
					t.Fatal(err)
				}
				code, body := b.get("/console/")
				if code != http.StatusForbidden {
					t.Errorf("a removed mediator's request: %d", code)
				}
				noData(t, "removed mediator", body)
				if err := e.svc.AddMediator(ctx, admin, mediatorB); err != nil {
					t.Fatal(err)
				}
				if code, _ := b.get("/console/"); code != http.StatusUnauthorized {
					t.Errorf("the removed mediator's old session after being added back: %d (sessions should have ended)", code)
				}
			})

			t.Run("IdleSessionEnds", func(t *testing.T) {
				c := e.signedIn(mediatorA)
				e.clock.Add(50 * time.Minute)
				if code, _ := c.get("/console/"); code != http.StatusOK {
					t.Fatalf("after 50 min: %d", code)
				}
				e.clock.Add(50 * time.Minute) // 50 min after the last request: still in the hour
				if code, _ := c.get("/console/"); code != http.StatusOK {
					t.Fatalf("after another 50 min: %d", code)
				}
				e.clock.Add(61 * time.Minute)
				if code, _ := c.get("/console/"); code != http.StatusUnauthorized {
					t.Errorf("after an idle hour: %d", code)
				}
			})

			t.Run("SignOutAndEverywhere", func(t *testing.T) {
				c1, c2, c3 := e.signedIn(mediatorA), e.signedIn(mediatorA), e.signedIn(mediatorA)
				saved := c1.cookies
				if code, _ := c1.post("/console/signout", nil); code != http.StatusOK {
					t.Fatalf("sign out: %d", code)
				}
				c1.cookies = saved
				if code, _ := c1.get("/console/"); code != http.StatusUnauthorized {
					t.Errorf("a signed-out session still works: %d", code)
				}
				if code, _ := c2.get("/console/"); code != http.StatusOK {
					t.Errorf("signing out one session ended another: %d", code)
				}
				if code, _ := c2.post("/console/signout-all", nil); code != http.StatusOK {
					t.Fatalf("sign out everywhere: %d", code)
				}
				if code, _ := c3.get("/console/"); code != http.StatusUnauthorized {
					t.Errorf("after signing out everywhere another device still works: %d", code)
				}
			})

			t.Run("Cookie", func(t *testing.T) {
				c := e.client()
				_, _, h := c.do(http.MethodPost, e.link(mediatorA), url.Values{})
				sc := h.Get("Set-Cookie")
				for _, want := range []string{"__Host-laborbot_console=", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"} {
					if !strings.Contains(sc, want) {
						t.Errorf("session cookie %q lacks %q", sc, want)
					}
				}
			})
		})
	}
}

const console_LinkValidity = 10 * time.Minute
