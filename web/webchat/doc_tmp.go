// Package webchat is the web chat for workers.
package webchat
