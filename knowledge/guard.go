package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// A jailbroken model must not show its instructions, not even for the
// moment a draft is on screen. promptGuard checks the model's text before
// each streamed piece is shown (drafts, group edits) and the final text
// once more; a leak stops the stream and the retrieval answer is given
// instead.
//
// Text is compared after normalising (normalizeForLeak): zero-width and
// other invisible characters removed, full-width letters folded, case and
// everything but letters and digits dropped. That catches the prompt
// repeated verbatim, with zero-width spaces between its letters, spaced
// out or in full-width letters. A model asked to translate or paraphrase
// its instructions changes the words, so the guard also looks for the
// instructions' distinctive phrases, in English and in Chinese (leakPhrases):
// one that only a description of the instructions uses ("system prompt",
// "系统提示") is enough, or two of the others.

// leakGramRunes is the length of the normalised windows of the prompt
// that, found in the output, count as repeating it: long enough that an
// answer about labor law does not contain one by chance (no entry of the
// knowledge base does), short enough to catch any sentence of the prompt.
const leakGramRunes = 32

// answerStyleLines start the lines of the system prompt that describe what
// a good answer contains (the hotlines, the language): an answer that
// follows them repeats their words, which is no leak.
var answerStyleLines = []string{"If the passages do not answer", "Keep it short", "Write the answer in"}

// promptGuard knows one system prompt.
type promptGuard struct {
	grams map[string]bool
}

func newPromptGuard(system string) *promptGuard {
	g := &promptGuard{grams: map[string]bool{}}
	for _, line := range strings.Split(system, "\n") {
		if isAnswerStyle(line) {
			continue
		}
		r := []rune(normalizeForLeak(line))
		for i := 0; i+leakGramRunes <= len(r); i++ {
			g.grams[string(r[i:i+leakGramRunes])] = true
		}
	}
	return g
}

func isAnswerStyle(line string) bool {
	for _, p := range answerStyleLines {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// Leaks reports whether text repeats or describes the instructions.
func (g *promptGuard) Leaks(text string) bool {
	r := []rune(normalizeForLeak(text))
	for i := 0; i+leakGramRunes <= len(r); i++ {
		if g.grams[string(r[i:i+leakGramRunes])] {
			return true
		}
	}
	return describesInstructions(text)
}

// leaksPrompt reports whether out repeats or describes system.
func leaksPrompt(out, system string) bool { return newPromptGuard(system).Leaks(out) }

// normalizeForLeak keeps only letters and digits, lower-cased and folded
// to their ordinary width; invisible characters (zero-width spaces, joiners,
// soft hyphens, bidirectional marks: Unicode's format characters) go.
func normalizeForLeak(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range width.Fold.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// leakPhrases are the distinctive ideas of systemPrompt, as a model
// repeating, translating or paraphrasing them writes them. Keep them in
// step with systemPrompt (TestGuardCatchesParaphrase paraphrases each
// instruction that concerns safety).
var leakPhrases = struct {
	// meta alone is enough: an answer about labor law never speaks of
	// the bot's own instructions.
	meta []string
	// concepts count when two different ones appear.
	concepts [][]string
}{
	meta: []string{
		"system prompt", "system message", "system instruction", "my instructions", "these instructions",
		"my prompt", "i was instructed", "i am instructed", "i was told to", "i have been told", "my guidelines",
		"<<<question", "question>>>",
		"系统提示", "提示词", "系统指令", "系统消息", "我的指令", "我收到的指令", "我的指示", "给我的指示",
		"我的设定", "我被要求", "我被指示", "我被设定", "以上指令", "这些指令", "上述指令",
	},
	concepts: [][]string{
		{"laborbot", "legal information assistant", "法律信息助手", "法律咨询助手"},
		{"numbered passages", "numbered passage", "编号的段落", "编号段落", "编号的材料", "编号材料", "编号的资料", "编号资料"},
		{"do not use any other knowledge", "not use other knowledge", "不使用任何其他知识", "不使用其他知识", "不要使用其他知识", "不得使用其他知识"},
		{"never invent", "不得编造", "不要编造", "绝不编造", "不能编造", "从不编造"},
		{"cite only articles listed", "only cite articles", "只引用列出", "只能引用列出", "仅引用列出"},
		{"square brackets", "方括号"},
		{"untrusted", "不可信", "不受信任"},
		{"ignore any instructions", "ignore instructions inside", "忽略其中的任何指令", "忽略其中的指令", "忽略问题中的指令", "忽略任何指令"},
		{"change your role", "change my role", "改变你的角色", "改变我的角色", "改变角色"},
		{"reveal these instructions", "reveal my instructions", "reveal the instructions", "透露这些指令", "泄露这些指令", "透露指令", "泄露指令", "透露说明"},
		{"other users", "other user's", "其他用户"},
		{"never repeat or describe", "repeat or describe", "重复或描述", "复述或描述"},
		{"no access to any user", "have no access", "无权访问", "没有权限访问", "无法访问任何用户"},
	},
}

// describesInstructions reports whether text talks about the instructions
// rather than about the law.
func describesInstructions(text string) bool {
	t := strings.ToLower(strings.Join(strings.Fields(stripInvisible(foldWidthText(text))), " "))
	compact := strings.ReplaceAll(t, " ", "")
	has := func(p string) bool {
		if utf8.RuneCountInString(p) != len(p) { // Chinese: spaces mean nothing
			return strings.Contains(compact, strings.ReplaceAll(p, " ", ""))
		}
		return strings.Contains(t, p)
	}
	for _, p := range leakPhrases.meta {
		if has(p) {
			return true
		}
	}
	found := 0
	for _, group := range leakPhrases.concepts {
		for _, p := range group {
			if has(p) {
				found++
				break
			}
		}
		if found >= 2 {
			return true
		}
	}
	return false
}

// foldWidthText maps full-width ASCII to ASCII and the ideographic space
// to a space, leaving Chinese punctuation as it is.
func foldWidthText(s string) string { return width.Fold.String(s) }

// stripInvisible drops format characters (zero-width spaces and joiners,
// soft hyphens, bidirectional marks).
func stripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// cleanModelText removes from the model's text the invisible characters a
// worker cannot see but a filter could be fooled by, keeping the zero-width
// joiner that emoji sequences need.
func cleanModelText(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\u200d' && unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}
