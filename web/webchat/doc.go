// Package webchat is the web chat for workers: the same help as the
// Telegram bot in any phone browser, WeChat's built-in one included, with
// nothing to install. It is a third channel beside Telegram and the
// terminal over the same conversation (bot.Conversation): this package
// only carries messages between the page and the conversation and renders
// them.
//
//   - GET /chat shows the conversation; a plain form posts a question, a
//     button press or a file, and the page reloads with the answer, so it
//     works without JavaScript. With JavaScript (chat.js) the same forms are
//     sent with fetch and the answer arrives as Server-Sent Events, streamed
//     as the model writes it.
//   - Identity without accounts: a random worker id (>= bot.WebIDBase) in
//     a signed cookie, and a resume link that brings the same conversation
//     to another browser. Nothing else identifies a worker until they give
//     contact details in a complaint, after consent.
//   - Each worker has an inbox in the Store: the conversation as the page
//     shows it, and what mediators and ticket changes sent while they were
//     away (Deliver, which the messenger calls for web ids), with a Web Push
//     notification where the browser allows.
//   - Uploaded files are type-sniffed, size-limited and sealed like
//     evidence downloaded from Telegram; they get ids of their own
//     (bot.WebFilePrefix) that Download resolves.
//   - Rate limits per session and per client address, with a friendly
//     message; the security headers and cross-origin protection of package
//     web.
package webchat
