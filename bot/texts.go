package bot

// text is one user-facing message in both languages.
type text struct{ zh, en string }

func (t text) in(lang string) string {
	if lang == "en" {
		return t.en
	}
	return t.zh
}

// The bot's own words (answers come from the knowledge base). Chinese first:
// most users are Chinese workers; English for everyone else.
var texts = struct {
	welcome, chooseLang, langSet, unknownCommand, sticker, voice, photoNoFlow, document, edited,
	forwarded, other, tooLong, emptyQuestion, thanks, feedbackGood, feedbackBad, groupPrivateOnly,
	pickTopic, topicEmpty, expired, errorReply, openPrivate, statuteTexts text
}{
	statuteTexts: text{"📖 法条原文", "📖 Statute text"},
	welcome: text{
		"你好！我是工会的劳动法律助手 🛠️\n\n直接打字问我工资、加班、社保、合同、辞退、工伤等问题，比如：\n• 老板拖欠三个月工资怎么办\n• 试用期被辞退有补偿吗\n• 公司不交社保怎么办\n\n我会告诉你法律怎么规定（附法条）、下一步怎么做、要留哪些证据、去哪里求助。\n\n也可以点下面的主题看看常见问题。需要真人帮忙：工会热线 12351。",
		"Hello! I'm the trade union's labor-law assistant 🛠️\n\nType your question about wages, overtime, social insurance, contracts, dismissal, work injury and more, for example:\n• My boss hasn't paid me for three months\n• I was fired during probation. Do I get compensation?\n\nI'll tell you what the law says (with the articles), what to do next, what evidence to keep and where to go.\n\nOr tap a topic below. To talk to a person: union hotline 12351.",
	},
	chooseLang:       text{"请选择语言 / Choose your language:", "Choose your language / 请选择语言:"},
	langSet:          text{"好的，以后用中文和你交流。", "OK, I'll use English from now on."},
	unknownCommand:   text{"我不认识这个命令。发送 /help 看看我能做什么，或者直接打字提问。", "I don't know that command. Send /help to see what I can do, or just type your question."},
	sticker:          text{"收到表情 😊 有劳动方面的问题，直接打字问我就行。", "Nice sticker 😊 If you have a question about work, just type it."},
	voice:            text{"抱歉，我还听不了语音。请把问题打成文字发给我。", "Sorry, I can't listen to voice messages yet. Please type your question."},
	photoNoFlow:      text{"我看不懂图片里的内容。请用文字描述你的问题；图片等证据请自己保存好，申请调解或仲裁时会用到。", "I can't read pictures. Please describe your question in words; keep photos as evidence for mediation or arbitration."},
	document:         text{"收到文件，但我只能回答文字问题。请用文字描述你的情况。", "I got a file, but I can only answer questions typed as text. Please describe your situation in words."},
	edited:           text{"我只处理新消息，修改过的消息不会重新回答。请把修改后的问题重新发一遍。", "I only answer new messages, not edits. Please send your corrected question again."},
	forwarded:        text{"转发的消息里可能有别人的信息，我不处理转发内容。请用自己的话把问题打出来。", "Forwarded messages may contain other people's information, so I don't process them. Please type your question in your own words."},
	other:            text{"我只能回答文字问题。请直接打字提问，或发送 /help。", "I can only answer typed questions. Please type your question, or send /help."},
	tooLong:          text{"你的消息太长了（%d 字）。请用几句话说清楚你的问题（%d 字以内），我才能准确回答。情况复杂的，可以拨打工会热线 12351。", "Your message is too long (%d characters). Please ask in a few sentences (under %d characters) so I can answer precisely. For a complicated case, call the union hotline 12351."},
	emptyQuestion:    text{"请打字告诉我你的问题。", "Please type your question."},
	thanks:           text{"谢谢反馈！", "Thanks for your feedback!"},
	feedbackGood:     text{"👍 有帮助", "👍 Helpful"},
	feedbackBad:      text{"👎 没帮助", "👎 Not helpful"},
	groupPrivateOnly: text{"这个功能需要填写个人信息，请私聊我，不要在群里发个人信息。", "This needs personal details: please message me privately, not in the group."},
	pickTopic:        text{"选一个主题，看看常见问题：", "Pick a topic to see common questions:"},
	topicEmpty:       text{"这个主题暂时没有内容。请直接打字提问。", "Nothing here yet. Please type your question."},
	expired:          text{"这个按钮已失效，请重新提问。", "This button has expired. Please ask again."},
	errorReply:       text{"抱歉，出了点问题，请稍后再试。急事请拨打工会热线 12351。", "Sorry, something went wrong. Please try again later. If it's urgent, call the union hotline 12351."},
	openPrivate:      text{"私聊机器人", "Message me privately"},
}
