package webchat

import (
	"context"
	"errors"

	"github.com/laborbot/laborbot/web"
)

// texts are the page's own words; the conversation's come from package bot.
var texts = web.Texts{
	"site":             {Zh: "工会劳动法律助手", En: "Union labor-law help"},
	"chat.title":       {Zh: "在线咨询", En: "Ask online"},
	"chat.intro":       {Zh: "免费、匿名：不用注册，不用留名字。", En: "Free and anonymous: no sign-up, no name needed."},
	"chat.ask":         {Zh: "你的问题", En: "Your question"},
	"chat.placeholder": {Zh: "打字提问，例如：老板拖欠工资怎么办", En: "Type your question, e.g. my boss hasn't paid me"},
	"chat.send":        {Zh: "发送", En: "Send"},
	"chat.sending":     {Zh: "正在回答…", En: "Answering…"},
	"chat.error":       {Zh: "抱歉，出了点问题，请稍后再试。急事请拨打工会热线 12351。", En: "Sorry, something went wrong. Please try again later. If it's urgent, call the union hotline 12351."},
	"chat.slowdown":    {Zh: "你发得太快了，请休息一下，过十几秒再发。急事请拨打工会热线 12351。", En: "You're sending messages too fast. Please wait a few seconds and try again. If it's urgent, call the union hotline 12351."},
	"chat.nofile":      {Zh: "%s（文件只能在工会调解台或 Telegram 中查看）", En: "%s (files can only be opened in the union's console or Telegram)"},
	"chat.tools":       {Zh: "更多", En: "More"},
	"chat.refresh":     {Zh: "刷新", En: "Refresh"},
	"chat.offline":     {Zh: "网络断了，恢复后会自动显示新消息。", En: "Offline: new messages will show when you're back online."},
	"menu.topics":      {Zh: "常见问题", En: "Topics"},
	"menu.calc":        {Zh: "算一算", En: "Calculators"},
	"menu.complain":    {Zh: "申请工会调解", En: "Ask the union to mediate"},
	"menu.status":      {Zh: "我的投诉", En: "My complaints"},
	"menu.help":        {Zh: "求助电话", En: "Help & hotlines"},
	"menu.save":        {Zh: "保存对话链接", En: "Save this chat"},
	"menu.privacy":     {Zh: "我的信息怎么保存", En: "What is kept about me"},
	"menu.delete":      {Zh: "删除我的数据", En: "Delete my data"},
	"upload.label":     {Zh: "上传照片或文件（证据）", En: "Upload a photo or file (evidence)"},
	"upload.button":    {Zh: "上传", En: "Upload"},
	"upload.hint":      {Zh: "照片（JPG、PNG、HEIC）或 PDF，每个不超过 10 MB。", En: "Photos (JPG, PNG, HEIC) or PDF, up to 10 MB each."},
	"upload.photo":     {Zh: "📎 照片", En: "📎 Photo"},
	"upload.document":  {Zh: "📎 文件（PDF）", En: "📎 File (PDF)"},
	"upload.toolarge":  {Zh: "文件太大了，每个文件不能超过 %d MB。可以拍照片或把文件分开上传。", En: "The file is too large: at most %d MB each. Try a photo, or split the file."},
	"upload.type":      {Zh: "只能上传照片（JPG、PNG、HEIC 等）或 PDF 文件。", En: "Only photos (JPG, PNG, HEIC…) or PDF files can be uploaded."},
	"upload.none":      {Zh: "没有收到文件，请重新选择。", En: "No file arrived. Please choose it again."},
	"push.enable":      {Zh: "🔔 有回复时通知我", En: "🔔 Notify me of replies"},
	"push.on":          {Zh: "🔔 已开启通知", En: "🔔 Notifications on"},
	"push.denied":      {Zh: "浏览器没有允许通知。调解员的回复会显示在这里。", En: "The browser did not allow notifications. Replies will show here."},
	"save.title":       {Zh: "保存对话链接", En: "Save this chat"},
	"save.text":        {Zh: "用这个链接，换手机、换浏览器或清除了浏览记录后，也能回到这段对话，看到调解员的回复。请把它保存在只有你能看到的地方（比如发给自己、存进备忘录）。", En: "With this link you can come back to this chat from another phone or browser, or after clearing your history, and see the mediator's replies. Keep it where only you can see it (send it to yourself, or save it in your notes)."},
	"save.warn":        {Zh: "⚠️ 任何拿到这个链接的人都能看到你的对话，不要发到群里，也不要给别人。", En: "⚠️ Anyone with this link can read your chat: don't post it in a group or give it to anyone."},
	"save.copy":        {Zh: "复制链接", En: "Copy link"},
	"save.copied":      {Zh: "已复制", En: "Copied"},
	"save.back":        {Zh: "返回对话", En: "Back to the chat"},
	"resume.title":     {Zh: "继续之前的对话", En: "Continue a saved chat"},
	"resume.text":      {Zh: "这个链接会打开之前保存的一段对话。如果这个链接不是你自己保存的，请不要继续。", En: "This link opens a chat that was saved earlier. If you did not save this link yourself, do not continue."},
	"resume.go":        {Zh: "继续这段对话", En: "Continue this chat"},
	"resume.bad":       {Zh: "这个链接无效。请检查是否复制完整。", En: "This link is not valid. Check that it was copied in full."},
	"nojs.hint":        {Zh: "发送后页面会刷新并显示回答。", En: "After sending, the page reloads with the answer."},
}

// LoadKey returns the key that signs the web chat's cookies: configured
// (WEBCHAT_KEY) when given, else one generated once and kept in the store,
// so every replica signs alike and sessions survive restarts.
func LoadKey(ctx context.Context, store Store, configured string) ([]byte, error) {
	if configured != "" {
		if len(configured) < 32 {
			return nil, errors.New("the key must be at least 32 characters")
		}
		return []byte(configured), nil
	}
	return store.WebChatKey(ctx, NewKey)
}
