/**
 * A standalone fake judge for benchmarks, in its own process so its CPU does not count against
 * the executor: answers every request validly after DELAY_MS. Prints its base URL on stdout.
 * Requests that carry no rulers answer schema (promptfoo's llm-rubric grader, in the executor
 * CPU benchmark) get the `{reason, pass, score}` object that grader asks for.
 */
import { startFakeOpenAI } from "../tests/helpers/fake-openai.js";
import { answerFor } from "../tests/helpers/scripted-judge.js";

const delay = Number(process.env.DELAY_MS ?? 0);
const rubricAnswer = { reason: "The output meets the rubric.", pass: true, score: 1 };
const server = await startFakeOpenAI(
  (r) => {
    const json = r.body?.response_format?.type === "json_schema" ? answerFor(r.body) : rubricAnswer;
    return delay > 0 ? { delayMs: delay, reply: { json } } : { json };
  },
  { keepRequests: false },
);
process.stdout.write(`${server.baseURL}\n`);
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage();
  if (process.env.REPORT_CPU)
    process.stderr.write(
      `  fake judge process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s for ${server.received} requests\n`,
    );
  void server.close().then(() => process.exit(0));
});
