package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/laborbot/laborbot/knowledge"
)

// The control socket. bbolt lets one process hold the data file, so while
// the bot runs on the embedded store no other process can open it: the
// commands that work on the store (backup, restore, export, console-link,
// kb import and export) then hand their work to the running bot over a Unix
// socket beside the file, DATA_DIR/laborbot.sock, and the bot does it with
// its live store and streams the output back. The socket is the file's
// owner's alone (mode 0600, and on Linux the peer's uid is checked): whoever
// may connect could read the data file anyway. With Redis every process
// opens the store itself, so there is no socket.

const controlSocketName = "laborbot.sock"

func controlPath(cfg Config) string { return filepath.Join(cfg.DataDir, controlSocketName) }

// controlRequest is one command sent to the running bot: a length-prefixed
// JSON header, then Size raw bytes (a backup to restore).
type controlRequest struct {
	Cmd      string `json:"cmd"`
	Format   string `json:"format,omitempty"`
	Personal bool   `json:"personal,omitempty"`
	UserID   int64  `json:"user_id,omitempty"`
	// Name is what the user called the backup to restore, for messages.
	Name  string                 `json:"name,omitempty"`
	Files []knowledge.BundleFile `json:"files,omitempty"`
	Size  int64                  `json:"size,omitempty"`
}

// The answer is a series of frames: a kind byte, a 4-byte big-endian
// length, the payload. Data frames carry the command's output; the last
// frame is the result, JSON {"error": "..."} (empty: success). An answer
// that ends without a result was cut off, and the output is not to be
// trusted (a backup is then not kept).
const (
	frameData   = 'd'
	frameResult = 'r'
	// maxFrame bounds one frame; output is cut into frames this size.
	maxFrame = 1 << 16
	// maxHeader bounds a request's header (it carries the files of a
	// knowledge-base import).
	maxHeader = 64 << 20
)

type controlResult struct {
	Error string `json:"error,omitempty"`
}

// frameWriter writes output as data frames.
type frameWriter struct{ w *bufio.Writer }

func (f frameWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), maxFrame)]
		if err := writeFrame(f.w, frameData, chunk); err != nil {
			return n, err
		}
		n += len(chunk)
		p = p[len(chunk):]
	}
	return n, nil
}

func writeFrame(w io.Writer, kind byte, payload []byte) error {
	var head [5]byte
	head[0] = kind
	binary.BigEndian.PutUint32(head[1:], uint32(len(payload)))
	if _, err := w.Write(head[:]); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}

// startControl serves the control socket for ops until stop is called
// (stop waits for commands in progress, so call it before closing the
// store). A socket that cannot be made is a warning, not a failure: the
// bot serves workers either way.
func (m *Main) startControl(ctx context.Context, cfg Config, ops *storeOps) (stop func()) {
	path := controlPath(cfg)
	// This process holds the data file's lock, so no other live process
	// serves this socket: one found here was left by a process that died.
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		m.Logger.Warn("control socket: cannot remove the old one; backup, restore and export need the bot stopped", "path", path, "err", err)
		return func() {}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		m.Logger.Warn("control socket: cannot listen; backup, restore and export need the bot stopped", "path", path, "err", err)
		return func() {}
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		m.Logger.Warn("control socket: cannot make it private; not serving it", "path", path, "err", err)
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { m.serveControl(ctx, conn, ops) })
		}
	})
	return func() {
		cancel()
		ln.Close() // also removes the socket file
		wg.Wait()
	}
}

func (m *Main) serveControl(ctx context.Context, conn net.Conn, ops *storeOps) {
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := checkPeer(conn); err != nil {
		m.Logger.Warn("control socket: connection refused", "err", err)
		return
	}
	br := bufio.NewReader(conn)
	bw := bufio.NewWriter(conn)
	// The request comes at once from a command; a connection that sends
	// nothing does not keep a handler forever. The payload (a backup) may
	// take longer: no deadline once the header is in.
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	req, err := readRequest(br)
	_ = conn.SetReadDeadline(time.Time{})
	var cmdErr error
	if err != nil {
		cmdErr = err
	} else {
		m.Logger.Info("control command", "cmd", req.Cmd)
		cmdErr = ops.serve(ctx, req, io.LimitReader(br, req.Size), frameWriter{bw})
	}
	var res controlResult
	if cmdErr != nil {
		res.Error = cmdErr.Error()
		m.Logger.Warn("control command failed", "cmd", req.Cmd, "err", cmdErr)
	}
	b, _ := json.Marshal(res)
	if writeFrame(bw, frameResult, b) == nil {
		_ = bw.Flush()
	}
}

func readRequest(r io.Reader) (controlRequest, error) {
	var req controlRequest
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return req, fmt.Errorf("read request: %w", err)
	}
	if n > maxHeader {
		return req, fmt.Errorf("request of %d bytes is too large", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return req, fmt.Errorf("read request: %w", err)
	}
	if err := json.Unmarshal(b, &req); err != nil {
		return req, fmt.Errorf("read request: %w", err)
	}
	return req, nil
}

// errNoBot means nothing answers on the control socket: no bot is running
// on this DATA_DIR (or one that predates the socket).
var errNoBot = errors.New("no running bot answers on the control socket")

// dialControl connects to the running bot's control socket.
func dialControl(cfg Config) (net.Conn, error) {
	path := controlPath(cfg)
	conn, err := net.DialTimeout("unix", path, 3*time.Second)
	if err == nil {
		return conn, nil
	}
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("the running bot's control socket %s: permission denied (run this as the user the bot runs as)", path)
	}
	// No socket, a stale one (ECONNREFUSED), or a path too long for a
	// socket: no bot answers. Should one hold the file all the same, the
	// caller finds it locked and says so.
	return nil, errNoBot
}

// callControl sends req (and payload, req.Size bytes) to the running bot
// and copies the command's output to out.
func callControl(ctx context.Context, conn net.Conn, req controlRequest, payload io.Reader, out io.Writer) error {
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	head, err := json.Marshal(req)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(conn)
	if err := binary.Write(bw, binary.BigEndian, uint32(len(head))); err != nil {
		return err
	}
	if _, err := bw.Write(head); err != nil {
		return err
	}
	if payload != nil {
		if _, err := io.CopyN(bw, payload, req.Size); err != nil {
			return fmt.Errorf("send to the running bot: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("send to the running bot: %w", err)
	}
	br := bufio.NewReader(conn)
	buf := make([]byte, maxFrame)
	for {
		var head [5]byte
		if _, err := io.ReadFull(br, head[:]); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return errors.New("the running bot stopped answering before the command finished (is it shutting down?); nothing it sent is complete")
		}
		n := binary.BigEndian.Uint32(head[1:])
		if n > maxFrame {
			return fmt.Errorf("the running bot sent a frame of %d bytes", n)
		}
		if _, err := io.ReadFull(br, buf[:n]); err != nil {
			return errors.New("the running bot stopped answering before the command finished")
		}
		switch head[0] {
		case frameData:
			if _, err := out.Write(buf[:n]); err != nil {
				return err
			}
		case frameResult:
			var res controlResult
			if err := json.Unmarshal(buf[:n], &res); err != nil {
				return fmt.Errorf("the running bot's answer: %w", err)
			}
			if res.Error != "" {
				return errors.New(res.Error)
			}
			return nil
		default:
			return fmt.Errorf("the running bot sent a frame of unknown kind %q", head[0])
		}
	}
}
