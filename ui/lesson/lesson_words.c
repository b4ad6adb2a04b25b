/* lesson_words.c: the runner's words in English and Chinese. */
#include "lesson_words.h"

#include <string.h>

static const char *const help_en[] = {
	"socklab lesson keys",
	"",
	"  space  Enter       run the step; once its checkpoint is reached, the next step;",
	"                     when it was not reached, run the step again on fresh programs",
	"  1-9                your prediction, when the step asks for one",
	"  h                  the step's hint (again: hide it)",
	"  b                  back a step: its words and its rows (space goes forward again)",
	"  j k  Down Up       next / previous row (the lanes show the states at that row)",
	"  g G  Home End      first / last row (G follows new rows again)",
	"  PgUp PgDn          a page up / down",
	"  d                  every field of the selected packet or call",
	"  Tab  c / C  a  l   next / previous / every connection;  the list",
	"  /  n  N            search rows; next / previous match",
	"  z                  zoom (big, for a projector)",
	"  ?                  this help        q  quit the lesson",
};

static const char *const help_zh[] = {
	"socklab 课程按键",
	"",
	"  空格  回车         运行本步骤；检查点到达后，进入下一步；",
	"                     没有到达时，用新的程序重新运行本步骤",
	"  1-9                步骤提问时，选择你的预测",
	"  h                  本步骤的提示（再按一次隐藏）",
	"  b                  回到上一步：它的讲解和它的行（空格再向前）",
	"  j k  Down Up       下一行 / 上一行（两侧显示该行时刻的状态）",
	"  g G  Home End      第一行 / 最后一行（G 重新跟随新行）",
	"  PgUp PgDn          上 / 下翻一页",
	"  d                  所选报文或调用的全部字段",
	"  Tab  c / C  a  l   下一个 / 上一个 / 全部连接；连接列表",
	"  /  n  N            搜索行；下一个 / 上一个匹配",
	"  z                  放大（投影用）",
	"  ?                  本帮助            q  退出课程",
};

static const struct lesson_words words_en = {
	.code = "en",
	.lesson = "Lesson %d: %s\n",
	.mode = "lesson %d  Step %d/%d",
	.step = "Step",
	.step_title = "Step %d/%d: %s",
	.seed = "From the seed:",
	.predict_prompt = "your prediction (1-%d, h for a hint): ",
	.hint_none = "(no hint for this step)",
	.checkpoint = "checkpoint reached:",
	.right = "Your prediction was right: %s",
	.wrong = "You predicted \"%s\"; what happened: %s",
	.not_checked = "Your prediction (\"%s\") was not checked: the step did not run here.",
	.next_prompt = "[Enter] next step, b back, h hint, q quit: ",
	.back = "(back to the previous step)",
	.waiting = "running; waiting for:",
	.quit = "lesson stopped.",
	.unmet = "socklab lesson %d, step %d '%s': checkpoint not reached in %d s; still waiting for:",
	.unmet_early = "socklab lesson %d, step %d '%s': checkpoint not reached, and the step cannot go on; "
		       "still waiting for:",
	.unmet_line = "  expect: %s (%s:%d)",
	.again_prompt = "[Enter] run this step again, q quit: ",
	.again = "(running the step again on fresh programs, from step %d)",
	.no_capture = "(a lesson checks the real segments on lo, so it needs to capture)",
	.on_wire = "  (two hosts, %d ms each way)",
	.tcp_info_no_view = "(not known: no kernel view)",
	.tcp_info_none = "(not known: the kernel gave no tcp_info for that socket)",
	.hint = "hint: ",
	.checkpoint_title = "checkpoint",
	.checkpoint_later = "checkpoint: %d expectation(s), shown once the step runs",
	.checkpoint_all = "%s checkpoint reached: %d of %d seen",
	.not_reached = "checkpoint not reached in %d s: the lab never saw what is marked x",
	.not_reached_early = "checkpoint not reached, and the step cannot go on: the lab never saw what is marked x",
	.finished = "Lesson complete: every checkpoint was reached on real sockets.",
	.your_choice = "your prediction: %d) %s",
	.running = "running on real sockets, one socket call every %d ms...",
	.keys_read = "space/Enter run this step   h hint  b back  j/k rows  d details  ? help  q quit",
	.keys_predict = "1-%d your prediction   h hint  b back  j/k rows  ? help  q quit",
	.keys_running = "running...   h hint  b back  j/k rows  d details  ? help  q quit",
	.keys_done = "space/Enter next step   h hint  b back  j/k rows  d details  ? help  q quit",
	.keys_last = "space/Enter finish the lesson   h hint  b back  j/k rows  d details  ? help  q quit",
	.keys_review = "looking back: space/Enter forward to step %d   b back  j/k rows  ? help  q quit",
	.keys_finished = "lesson complete   b look back  j/k rows  d details  ? help  q quit",
	.keys_failed = "not reached: space/Enter run this step again   b back  j/k rows  d details  ? help  q quit",
	.help = help_en,
	.nhelp = (int)(sizeof(help_en) / sizeof(help_en[0])),
};

static const struct lesson_words words_zh = {
	.code = "zh",
	.lesson = "第 %d 课：%s\n",
	.mode = "第 %d 课  步骤 %d/%d",
	.step = "步骤",
	.step_title = "步骤 %d/%d：%s",
	.seed = "原文：",
	.predict_prompt = "你的预测 (1-%d，输入 h 查看提示)：",
	.hint_none = "（本步骤没有提示）",
	.checkpoint = "检查点已到达：",
	.right = "预测正确：%s",
	.wrong = "你预测的是“%s”；实际发生的是：%s",
	.not_checked = "你的预测（“%s”）没有得到检验：这一步没有在这台机器上运行。",
	.next_prompt = "[回车] 下一步，b 上一步，h 提示，q 退出：",
	.back = "（回到上一步）",
	.waiting = "运行中，等待：",
	.quit = "课程已停止。",
	.unmet = "socklab 第 %d 课，步骤 %d“%s”：%d 秒内没有到达检查点；仍在等待：",
	.unmet_early = "socklab 第 %d 课，步骤 %d“%s”：没有到达检查点，这一步无法继续；仍在等待：",
	.unmet_line = "  检查：%s（%s:%d）",
	.again_prompt = "[回车] 重新运行本步骤，q 退出：",
	.again = "（用新的程序重新运行本步骤，从步骤 %d 开始）",
	.no_capture = "（课程要核对 lo 上真实的报文段，所以需要抓包权限）",
	.on_wire = "（两台主机，每个方向 %d 毫秒）",
	.tcp_info_no_view = "（未知：没有内核视图）",
	.tcp_info_none = "（未知：内核没有给出该套接字的 tcp_info）",
	.hint = "提示：",
	.checkpoint_title = "检查点",
	.checkpoint_later = "检查点：%d 项，步骤运行后显示",
	.checkpoint_all = "%s 检查点已到达：%d 项中看到了 %d 项",
	.not_reached = "%d 秒内没有到达检查点：标 x 的项没有出现",
	.not_reached_early = "没有到达检查点，这一步无法继续：标 x 的项没有出现",
	.finished = "课程完成：每个检查点都在真实的套接字上到达了。",
	.your_choice = "你的预测：%d) %s",
	.running = "在真实的套接字上运行，每 %d 毫秒放行一个调用……",
	.keys_read = "空格/回车 运行本步骤  h 提示  b 上一步  j/k 行  d 详情  ? 帮助  q 退出",
	.keys_predict = "1-%d 你的预测  h 提示  b 上一步  j/k 行  ? 帮助  q 退出",
	.keys_running = "运行中……  h 提示  b 上一步  j/k 行  d 详情  ? 帮助  q 退出",
	.keys_done = "空格/回车 下一步  h 提示  b 上一步  j/k 行  d 详情  ? 帮助  q 退出",
	.keys_last = "空格/回车 结束课程  h 提示  b 上一步  j/k 行  d 详情  ? 帮助  q 退出",
	.keys_review = "回顾中：空格/回车 前进到步骤 %d  b 上一步  j/k 行  ? 帮助  q 退出",
	.keys_finished = "课程完成  b 回顾  j/k 行  d 详情  ? 帮助  q 退出",
	.keys_failed = "没有到达：空格/回车 重新运行本步骤  b 上一步  j/k 行  d 详情  ? 帮助  q 退出",
	.help = help_zh,
	.nhelp = (int)(sizeof(help_zh) / sizeof(help_zh[0])),
};

const struct lesson_words *lesson_words(enum lang lang)
{
	return lang == LANG_ZH ? &words_zh : &words_en;
}

int lesson_lang_parse(const char *code, enum lang *lang)
{
	if (strcmp(code, words_en.code) == 0)
		*lang = LANG_EN;
	else if (strcmp(code, words_zh.code) == 0)
		*lang = LANG_ZH;
	else
		return -1;
	return 0;
}
