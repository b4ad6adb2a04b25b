/* lesson_flow.c: the progression through a lesson's steps. */
#include "lesson_flow.h"

const struct lesson_words lesson_words_en = {
	.lesson = "Lesson %d: %s\n",
	.step = "Step",
	.seed = "From the seed",
	.predict_prompt = "your prediction (1-%d, h for a hint): ",
	.hint_none = "(no hint for this step)",
	.checkpoint = "checkpoint reached:",
	.right = "Your prediction was right: %s",
	.wrong = "You predicted \"%s\"; what happened: %s",
	.next_prompt = "[Enter] next step, b back, h hint, q quit: ",
	.back = "(back to the previous step)",
	.waiting = "running; waiting for:",
	.quit = "lesson stopped.",
	.no_capture = "(a lesson checks the real segments on lo, so it needs to capture)",
	.hint = "hint: ",
	.checkpoint_title = "checkpoint",
	.checkpoint_later = "checkpoint: %d expectation(s), shown once the step runs",
	.not_reached = "checkpoint not reached in %d s: the lab never saw what is marked x",
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
	.keys_failed = "the checkpoint was not reached   j/k rows  d details  q quit",
};

const struct lesson_words lesson_words_zh = {
	.lesson = "第 %d 课：%s\n",
	.step = "步骤",
	.seed = "原文",
	.predict_prompt = "你的预测 (1-%d，输入 h 查看提示)：",
	.hint_none = "（本步骤没有提示）",
	.checkpoint = "检查点已到达：",
	.right = "预测正确：%s",
	.wrong = "你预测的是“%s”；实际发生的是：%s",
	.next_prompt = "[回车] 下一步，b 上一步，h 提示，q 退出：",
	.back = "（回到上一步）",
	.waiting = "运行中，等待：",
	.quit = "课程已停止。",
	.no_capture = "（课程要核对 lo 上真实的报文，所以需要抓包权限）",
	.hint = "提示：",
	.checkpoint_title = "检查点",
	.checkpoint_later = "检查点：%d 项，步骤运行后显示",
	.not_reached = "%d 秒内没有到达检查点：标 x 的项没有出现",
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
	.keys_failed = "没有到达检查点  j/k 行  d 详情  q 退出",
};

static void enter_step(struct lesson_flow *f, int idx)
{
	f->cur = f->shown = idx;
	f->phase = f->les->steps[idx].predict ? FLOW_PREDICT : FLOW_READ;
	f->predicted = 0;
	f->hint = false;
}

void lesson_flow_init(struct lesson_flow *f, const struct lesson *les)
{
	f->les = les;
	enter_step(f, 0);
}

bool lesson_flow_reviewing(const struct lesson_flow *f)
{
	return f->shown < f->cur;
}

bool lesson_flow_predicted_right(const struct lesson_flow *f)
{
	return f->predicted && f->predicted == f->les->steps[f->cur].answer;
}

static enum flow_action next(struct lesson_flow *f)
{
	if (lesson_flow_reviewing(f)) {
		f->shown++;
		f->hint = false;
		return FLOW_SHOW_REVIEW;
	}
	switch (f->phase) {
	case FLOW_READ:
		f->phase = FLOW_RUNNING;
		return FLOW_RUN_STEP;
	case FLOW_DONE:
		if (f->cur + 1 == f->les->nsteps) {
			f->phase = FLOW_FINISHED;
			return FLOW_END;
		}
		enter_step(f, f->cur + 1);
		return FLOW_SHOW_STEP;
	default:
		return FLOW_NOTHING; /* a question waits for its answer, a running step for its checkpoint */
	}
}

enum flow_action lesson_flow_event(struct lesson_flow *f, enum flow_event ev, int choice)
{
	if (f->phase == FLOW_QUIT)
		return FLOW_END;
	switch (ev) {
	case FLOW_CONTINUE:
		return next(f);
	case FLOW_ANSWER:
		if (f->phase != FLOW_PREDICT || lesson_flow_reviewing(f) || choice < 1 ||
		    choice > f->les->steps[f->cur].nchoices)
			return FLOW_NOTHING;
		f->predicted = choice;
		f->phase = FLOW_RUNNING;
		return FLOW_RUN_STEP;
	case FLOW_HINT:
		f->hint = !f->hint;
		return FLOW_SHOW_HINT;
	case FLOW_BACK:
		if (f->shown == 0)
			return FLOW_NOTHING;
		f->shown--;
		f->hint = false;
		return FLOW_SHOW_REVIEW;
	case FLOW_MET:
		if (f->phase != FLOW_RUNNING)
			return FLOW_NOTHING;
		f->phase = FLOW_DONE;
		return FLOW_SHOW_OUTCOME;
	case FLOW_TIMEOUT:
		if (f->phase != FLOW_RUNNING)
			return FLOW_NOTHING;
		f->phase = FLOW_FAILED;
		return FLOW_END;
	case FLOW_STOP:
		f->phase = FLOW_QUIT;
		return FLOW_END;
	}
	return FLOW_NOTHING;
}
