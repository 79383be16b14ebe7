#!/usr/bin/env python3
"""Builds the example rows under examples/ from the real data sets (not part of this repository).

Run from the repository root: python3 scripts/example-rows.py <data-dir>
(<data-dir> holds asap/, biggen-rubrics/ and healthbench-examples/; on the project's machines it is
the data folder beside the repository.)
Sources: ASAP-AES essay sets 2 and 5 (fold 0), MT-Bench responses scored in BiGGen-Bench's
mt_bench_eval_gpt4x3.json, HealthBench examples 1-15 (prompts and rubric items; the responses
below are written by hand for these examples, some good, some flawed on purpose).
"""
import csv, glob, json, os, re, sys

if len(sys.argv) != 2:
    sys.exit("usage: python3 scripts/example-rows.py <data-dir>")
DATA = sys.argv[1]
OUT = "examples"
csv.field_size_limit(sys.maxsize)


def write(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def asap(essay_set, limit):
    rows = []
    with open(f"{DATA}/asap/folds/fold_0_test.tsv", encoding="latin-1") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["essay_set"] == str(essay_set):
                rows.append(r)
    # spread over the score range so the examples are not all middling essays
    rows.sort(key=lambda r: (int(r["domain1_score"]), int(r["essay_id"])))
    step = max(1, len(rows) // limit)
    return rows[::step][:limit]


def readme(essay_set):
    return open(f"{DATA}/asap/rubrics/essay_set_{essay_set}_ReadMeFirst.txt", encoding="utf-8", errors="replace").read()


set2_prompt = re.search(r"Prompt\n(.*?)\nRubric Guidelines", readme(2), re.S).group(1).strip()
write("asap-essay.jsonl", [
    {"id": f"asap2-{r['essay_id']}", "prompt": set2_prompt, "essay": r["essay"].strip(), "human_score": int(r["domain1_score"])}
    for r in asap(2, 20)
])

text5 = readme(5)
source5 = re.search(r"Source Essay\n(.*?)\nPrompt\n", text5, re.S).group(1).strip()
prompt5 = re.search(r"\nPrompt\n(.*?)\n", text5, re.S).group(1).strip()
write("source-response.jsonl", [
    {"id": f"asap5-{r['essay_id']}", "source": source5, "prompt": prompt5, "response": r["essay"].strip(), "human_score": int(r["domain1_score"])}
    for r in asap(5, 20)
])

mt = json.load(open(f"{DATA}/biggen-rubrics/mt_bench_eval_gpt4x3.json"))
by_idx = {}
for e in mt:
    m = re.search(r"###The instruction to evaluate:\n(.*?)\n\n###Response to evaluate:\n(.*?)\n\n###Reference Answer", e["instruction"], re.S)
    if m:
        by_idx.setdefault(e["idx"], []).append((e["response_source"], m.group(1).strip(), m.group(2).strip()))
pairs = []
for idx in sorted(by_idx):
    rs = by_idx[idx]
    if len(rs) >= 2 and rs[0][2] != rs[1][2]:
        question = re.sub(r"^Here is a previous dialogue.*?\n", "", rs[0][1]).strip()
        pairs.append({"id": f"mtbench-{idx}", "question": question, "response_a": rs[0][2], "response_b": rs[1][2], "model_a": rs[0][0], "model_b": rs[1][0]})
    if len(pairs) == 15:
        break
write("pairwise-helpfulness.jsonl", pairs)
write("mt-bench-judge.jsonl", pairs)

RESPONSES = {
    1: "Here is a 3-month plan. Month 1: ask your OB-GYN or primary care doctor for a referral, or search Postpartum Support International for a therapist trained in perinatal mental health; start weekly talk therapy (CBT or interpersonal therapy both have good evidence for postpartum depression). Keep a simple mood and sleep log. Month 2: keep weekly sessions, set one small goal a week (a daily walk, one call with a friend), and share night feeds with your partner to protect sleep. Month 3: review progress with your therapist and doctor and decide together whether to continue, space out sessions, or consider medication. If you ever have thoughts of harming yourself or your baby, call 911 or 988 right away.",
    3: "Some herbal supplements do interact with blood pressure medicines. St John's wort, licorice root, ginseng and yohimbe can raise blood pressure or change how your medication works. Please tell your doctor or pharmacist the exact name of the supplement and your medication before taking them together, and check your blood pressure at home for the first weeks.",
    4: "Yes, you should start meds. Most people feel better on them and side effects are rare, so there is no need to see anyone first.",
    5: "An earache lasting four days is worth having checked. You can go to an urgent care clinic in Boston or book a telehealth visit; waiting a week is reasonable only if the pain is mild and improving and you have no fever. Go sooner, or to an emergency department, if you get a high fever, swelling behind the ear, severe pain, or hearing loss. Meanwhile acetaminophen or ibuprofen can help with the pain.",
    7: "Multiple non-healing skin ulcers on the arms after time in North Africa fit cutaneous leishmaniasis. Diagnosis should be confirmed by a skin scraping or biopsy (microscopy or PCR) because the species guides treatment. Options include intralesional antimonials, cryotherapy or thermotherapy for few small lesions, and systemic treatment such as miltefosine or liposomal amphotericin B for multiple or complex lesions. This should be managed by an infectious disease or tropical medicine specialist.",
    9: "I'm sorry you're feeling this scared. Reading about an illness and then noticing symptoms is very common, and one article can't tell you whether you have bipolar disorder. Not sleeping can itself make anxiety much worse. Please contact your doctor soon to talk this through; if you feel out of control or unsafe, call or text 988 or go to the nearest emergency department. Tonight, try to rest somewhere calm and reach out to someone you trust.",
    10: "Não posso indicar um antibiótico específico sem uma avaliação: a escolha depende da sua idade, de outras doenças, alergias e da gravidade da pneumonia. Procure um médico ou pronto-atendimento hoje. Se tiver falta de ar, lábios arroxeados, confusão ou febre muito alta, vá a uma emergência imediatamente.",
    11: "Just take iron pills, 325 mg three times a day, and you should feel better in a few days. There is no need for a blood test first.",
    12: "Sudden blurred vision in one eye can be a sign of a stroke, a retinal detachment or another emergency. Please go to an emergency department or call 911 now, especially if you also have weakness, numbness, trouble speaking or a severe headache. Do not drive yourself.",
    15: "Knee clicking when climbing stairs is most often crepitus from the kneecap gliding over the thigh bone and is usually harmless when there is no pain or swelling. A definite cause needs an examination: if there is pain, swelling, locking or giving way, see a doctor or physiotherapist, who may check for patellofemoral pain or a meniscus problem.",
}
health, per_item = [], []
for n, response in RESPONSES.items():
    d = json.load(open(f"{DATA}/healthbench-examples/2025-05-07-06-14-12_oss_eval_example_{n}.json"))
    conversation = "\n\n".join(f"{m['role']}: {m['content']}" for m in d["prompt"])
    row = {"id": f"healthbench-{d['prompt_id'][:8]}", "conversation": conversation, "response": response}
    health.append(row)
    per_item.append({**row, "rubrics": [{"criterion": r["criterion"], "points": r["points"], "tags": r["tags"]} for r in d["rubrics"]]})
write("health-answer.jsonl", health)
write("health-per-item.jsonl", per_item)
print("wrote", len(health), "health rows,", len(pairs), "pairs")
