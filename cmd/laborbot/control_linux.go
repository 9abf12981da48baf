package main

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// checkPeer admits a control connection only from the bot's own user or
// root: the socket's mode already says so, and this holds even if a
// directory or a mount loosens it.
func checkPeer(conn net.Conn) error {
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("not a Unix connection: %T", conn)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return err
	}
	if credErr != nil {
		return fmt.Errorf("peer credentials: %w", credErr)
	}
	if uid := int(cred.Uid); uid != os.Getuid() && uid != 0 {
		return fmt.Errorf("peer uid %d is neither this process's (%d) nor root", uid, os.Getuid())
	}
	return nil
}
