// Command bench runs sellerbot and a bare bot (bench/barebot) side by side
// under the same load and reports sellerbot's figures as ratios to the
// bare bot's: the time until every answer reached Slack, the ack p99, the
// TCP connections opened to Slack and the CPU the bot used.
//
//	go run ./bench            # 3 paired runs of 5,000 DMs, 200 at a time
//	go run ./bench -h         # the knobs
//
// Both bots run as their own processes in HTTP mode against the same fake
// Web API (every call takes -latency, like a round trip to Slack) and the
// same load generator, which sends signed message.im deliveries the way
// Slack does. Runs are paired (sellerbot, bare bot, sellerbot, ...) and
// each ratio is taken pair by pair; the report gives the medians.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const secret = "bench-signing-secret"

// workers is how many DMs each bot works on at once (sellerbot's
// bot.MaxInFlight), so how many posts can be in flight.
const workers = 64

type config struct {
	runs, dms, concurrency int
	latency                time.Duration
	dbDir                  string
	logs                   string
	bareReply              string
}

// result is one bot's figures in one run.
type result struct {
	answered, dms, failedAcks, dupes, apologies int
	firstFailure                                string        // of the acks that failed
	allAnswers                                  time.Duration // first DM sent to last answer received
	ackP50, ackP99                              time.Duration
	connections, maxOpen                        int64
	cpu                                         time.Duration
	others                                      time.Duration // CPU used meanwhile by processes other than the bot and the harness
	bytesPerAnswer                              int64
	metrics                                     []string // selected /metrics lines (sellerbot)
}

func main() {
	var c config
	flag.IntVar(&c.runs, "runs", 3, "paired runs (sellerbot, then the bare bot)")
	flag.IntVar(&c.dms, "dms", 5000, "DMs per run")
	flag.IntVar(&c.concurrency, "concurrency", 200, "DMs in flight at once")
	flag.DurationVar(&c.latency, "latency", 40*time.Millisecond, "time the fake Slack takes for each Web API call")
	flag.StringVar(&c.dbDir, "dbdir", "", "directory for sellerbot's database (default: a temporary one; try a tmpfs)")
	flag.StringVar(&c.logs, "logs", "", "keep the bots' logs in this directory")
	flag.StringVar(&c.bareReply, "bare-reply", "answer", "the bare bot's canned reply: answer (sized like sellerbot's answers) or short (one line)")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	tmp, err := os.MkdirTemp("", "sellerbot-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if c.dbDir == "" {
		c.dbDir = tmp
	}
	if c.logs == "" {
		c.logs = tmp
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	bots := []struct{ name, pkg string }{{"sellerbot", "./cmd/sellerbot"}, {"bare bot", "./bench/barebot"}}
	bins := make([]string, len(bots))
	for i, b := range bots {
		bins[i] = filepath.Join(tmp, fmt.Sprintf("bot%d", i))
		build := exec.Command("go", "build", "-o", bins[i], b.pkg)
		build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building %s: %w", b.pkg, err)
		}
	}
	fmt.Printf("%d paired runs: %d DMs, %d at a time; the fake Slack takes %v a call; the bare bot's reply: %s\n\n", c.runs, c.dms, c.concurrency, c.latency, c.bareReply)
	var pairs [][2]result
	for i := range c.runs {
		var pair [2]result
		for j, b := range bots {
			args := []string{bins[j]}
			if j == 0 {
				args = append(args, "serve")
			}
			r, err := runOnce(c, args, fmt.Sprintf("run%d-%d", i+1, j))
			if err != nil {
				return fmt.Errorf("run %d, %s: %w", i+1, b.name, err)
			}
			fmt.Printf("run %d  %-9s %s\n", i+1, b.name, r)
			for _, m := range r.metrics {
				fmt.Printf("        %s\n", m)
			}
			pair[j] = r
		}
		pairs = append(pairs, pair)
	}
	report(os.Stdout, pairs)
	for i, p := range pairs {
		if p[0].others > othersNoted || p[1].others > othersNoted {
			fmt.Printf("\n⚠ run %d shared the machine with other work (see ⚠ above): its figures are noisy; run again on a quiet machine\n", i+1)
		}
	}
	return nil
}

func (r result) String() string {
	s := fmt.Sprintf("answers %d/%d in %.2f s · ack p50 %.1f ms, p99 %.1f ms · %d connections opened to Slack (%d at once) · CPU %.2f s · %d bytes a post",
		r.answered, r.dms, r.allAnswers.Seconds(), ms(r.ackP50), ms(r.ackP99), r.connections, r.maxOpen, r.cpu.Seconds(), r.bytesPerAnswer)
	if r.others > othersNoted {
		s += fmt.Sprintf(" · ⚠ other processes used %.1f s of CPU meanwhile", r.others.Seconds())
	}
	if r.failedAcks > 0 || r.dupes > 0 || r.apologies > 0 {
		s += fmt.Sprintf(" · %d acks failed, %d answered twice, %d apologies", r.failedAcks, r.dupes, r.apologies)
		if r.firstFailure != "" {
			s += " (first failure: " + r.firstFailure + ")"
		}
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runOnce starts one bot, sends the DMs and waits for every answer.
func runOnce(c config, args []string, name string) (result, error) {
	fake := newFakeSlack(c.latency)
	defer fake.close()
	addr, err := freeAddr()
	if err != nil {
		return result{}, err
	}
	logf, err := os.Create(filepath.Join(c.logs, name+".log"))
	if err != nil {
		return result{}, err
	}
	defer logf.Close()
	db := filepath.Join(c.dbDir, name+".db")
	defer os.Remove(db)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(),
		"SLACK_BOT_TOKEN=xoxb-bench", "SLACK_SIGNING_SECRET="+secret, "SLACK_API_URL="+fake.srv.URL+"/api/",
		"SELLERBOT_ADDR="+addr, "SELLERBOT_DB="+db, "BAREBOT_REPLY="+c.bareReply)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	base := "http://" + addr
	if err := waitHealthy(base, 60*time.Second); err != nil {
		return result{}, fmt.Errorf("%w (log: %s)", err, logf.Name())
	}
	dms := buildDMs(c.dms)
	threads := make([]string, len(dms))
	for i, d := range dms {
		threads[i] = d.thread
	}
	fake.expect(threads)
	cpu0, err := processCPU(cmd.Process.Pid)
	if err != nil {
		return result{}, err
	}
	machine0, self0 := machineCPU(), selfCPU()
	conns0 := fake.opened.Load()
	fake.maxOpen.Store(fake.open.Load())
	start := time.Now()
	acks, failed, firstErr := send(base, secret, dms, c.concurrency)
	answered, last := fake.wait(60 * time.Second)
	cpu1, err := processCPU(cmd.Process.Pid)
	if err != nil {
		return result{}, err
	}
	others := machineCPU() - machine0 - (selfCPU() - self0) - (cpu1 - cpu0)
	r := result{
		answered: answered, dms: len(dms), failedAcks: failed, firstFailure: firstErr,
		allAnswers: last.Sub(start), ackP50: percentile(acks, 0.50), ackP99: percentile(acks, 0.99),
		connections: fake.opened.Load() - conns0, maxOpen: fake.maxOpen.Load(), cpu: cpu1 - cpu0, others: max(others, 0),
		metrics: scrapeMetrics(base),
	}
	fake.mu.Lock()
	r.dupes, r.apologies = fake.dupes, fake.apologies
	if answered > 0 {
		r.bytesPerAnswer = fake.bytes / int64(answered)
	}
	fake.mu.Unlock()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		stopped = true
	case <-time.After(30 * time.Second):
	}
	if answered < len(dms) {
		return r, fmt.Errorf("only %d of %d DMs answered within a minute (log: %s)", answered, len(dms), logf.Name())
	}
	return r, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(base string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no /healthz within %v", d)
}

// processCPU is the user and system time a process has used so far
// (Linux: /proc/PID/stat, in clock ticks of 1/100 s).
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("reading the bot's CPU time (Linux only): %w", err)
	}
	// The command name (field 2) may hold spaces: count from its ")".
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// othersNoted is how much CPU other processes may use during a run before
// the run is marked: on a shared machine such a run says little.
const othersNoted = 500 * time.Millisecond

// machineCPU is the CPU time every process on the machine has used so far
// (Linux: /proc/stat, in clock ticks of 1/100 s); 0 if unreadable.
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest time is counted in user already
			break
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return time.Duration(busy) * 10 * time.Millisecond
}

// selfCPU is the harness's own CPU time (the load generator and the fake
// Slack).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// scrapeMetrics keeps the /metrics lines about the Slack connection pool
// and the database's commits (the bare bot has none).
func scrapeMetrics(base string) []string {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	var out []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, "#") && (strings.HasPrefix(l, "sellerbot_slack_conn") || strings.HasPrefix(l, "sellerbot_db_")) {
			out = append(out, l)
		}
	}
	return out
}

func moduleRoot() (string, error) {
	out, err := exec.CommandContext(context.Background(), "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run it inside the sellerbot module (go run ./bench)")
	}
	return filepath.Dir(mod), nil
}

// report prints the medians and the pair-by-pair ratios.
func report(w io.Writer, pairs [][2]result) {
	type measure struct {
		name, unit, target string
		get                func(result) float64
	}
	measures := []measure{
		{"time until all answers reached Slack", "s", "≤ 1.3×", func(r result) float64 { return r.allAnswers.Seconds() }},
		{"ack p99", "ms", "≤ 1.3×", func(r result) float64 { return ms(r.ackP99) }},
		{"TCP connections opened to Slack", "", fmt.Sprintf("≤ 1 per worker (%d post here; sellerbot's pool holds one per caller, 86 with its alert and follow-up workers)", workers), func(r result) float64 { return float64(r.connections) }},
		{"CPU used by the bot", "s", "≤ 3×", func(r result) float64 { return r.cpu.Seconds() }},
	}
	fmt.Fprintf(w, "\nmedian of %d paired runs (ratio: sellerbot / bare bot, taken pair by pair)\n\n", len(pairs))
	fmt.Fprintln(w, "| measure | sellerbot | bare bot | ratio | target |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, m := range measures {
		var a, b, ratio []float64
		for _, p := range pairs {
			va, vb := m.get(p[0]), m.get(p[1])
			a, b = append(a, va), append(b, vb)
			if vb > 0 {
				ratio = append(ratio, va/vb)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.2f× | %s |\n", m.name, num(median(a), m.unit), num(median(b), m.unit), median(ratio), m.target)
	}
}

func num(v float64, unit string) string {
	switch unit {
	case "":
		return strconv.Itoa(int(v))
	case "ms":
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f %s", v, unit)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
