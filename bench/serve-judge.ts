/**
 * The serve benchmark's judge, in its own process: answers every request validly after DELAY_MS,
 * meeting every criterion when the judged response says "good" and none otherwise, so the
 * benchmark can check each reward it gets back. Prints its base URL; reports its CPU on SIGTERM.
 */
import { startFakeOpenAI } from "../tests/helpers/fake-openai.js";
import { answerFor } from "../tests/helpers/scripted-judge.js";

const delay = Number(process.env.DELAY_MS ?? 50);
const server = await startFakeOpenAI(
  (r) => {
    const json = answerFor(r.body, {
      decide: (_id, values, inputs) => {
        const good = (inputs.response ?? "").includes("good");
        if (values.includes("met")) return good ? "met" : "unmet";
        const levels = values.map(Number);
        return good ? Math.max(...levels) : Math.min(...levels);
      },
    });
    return { delayMs: delay, reply: { json } };
  },
  { keepRequests: false },
);
process.stdout.write(`${server.baseURL}\n`);
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage();
  process.stderr.write(
    `  judge process: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU for ${server.received} requests\n`,
  );
  void server.close().then(() => process.exit(0));
});
