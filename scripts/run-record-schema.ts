/**
 * Writes grammar/run-record.schema.json from the zod schema in src/record/schema.ts (the one
 * source of truth); tests/record/record.test.ts fails when the committed file is stale.
 * Run: npx tsx scripts/run-record-schema.ts
 */
import { writeFileSync } from "node:fs";
import { runRecordJsonSchema } from "../src/record/schema.js";

writeFileSync("grammar/run-record.schema.json", `${JSON.stringify(runRecordJsonSchema(), null, 2)}\n`);
