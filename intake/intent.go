package intake

import "strings"

// IsComplaintRequest reports whether a message asks to file a complaint or
// to have the union mediate ("我要投诉", "申请调解", "I want to file a
// complaint"), which starts the interview as /complain does. A worker
// saying what they want ("我要投诉，老板欠薪怎么办") is a request; a
// question about the procedure ("怎么申请调解？", "how do I file a
// complaint") is not: the knowledge base answers it.
func IsComplaintRequest(text string) bool {
	t := strings.ToLower(strings.Join(strings.Fields(text), " "))
	for _, p := range []string{
		"我要投诉", "我想投诉", "我要举报", "我要申请调解", "我想申请调解", "我要调解", "我想调解",
		"请工会帮忙", "请工会调解", "帮我投诉", "我要维权",
		"i want to file a complaint", "i want to make a complaint", "i'd like to file a complaint",
		"i want to complain", "i want mediation", "i'd like mediation",
	} {
		if strings.Contains(t, p) {
			return true
		}
	}
	for _, q := range []string{"怎么", "如何", "怎样", "哪里", "在哪", "能不能", "吗", "how ", "where ", "can i", "?", "？"} {
		if strings.Contains(t, q) {
			return false
		}
	}
	for _, p := range []string{
		"申请调解", "请求调解", "要求调解", "投诉公司", "投诉单位", "投诉老板", "投诉厂", "file a complaint", "make a complaint", "lodge a complaint",
		"request mediation", "apply for mediation",
	} {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}
