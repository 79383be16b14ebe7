"""The Python client against a live `rulers serve` (started by tests/serve/python.test.ts).

Environment: RULERS_URL, RULERS_BUNDLE and RULERS_TOKEN point at the server; the judge behind it
meets every criterion for a response containing "good" (reward 5 on a 1..5 scale) and none
otherwise (reward 1).
"""

import os
import unittest

import rulers_client
from rulers_client import RulersClient, RulersError, compute_score, make_reward_fn, reward_fn


class RewardFnTest(unittest.TestCase):
    def test_trl_reward_fn_with_text_and_dataset_columns(self):
        prompts = ["Explain tides.", "Explain tides.", "Explain tides."]
        completions = ["A good answer about the moon.", "No idea.", "Another good one."]
        rewards = reward_fn(prompts=prompts, completions=completions, reference=["The moon."] * 3,
                            unrelated=[1, 2, 3])
        self.assertEqual(rewards, [5.0, 1.0, 5.0])
        self.assertTrue(all(isinstance(r, float) for r in rewards))

    def test_trl_reward_fn_with_conversational_samples(self):
        prompts = [[{"role": "user", "content": "Explain tides."}]] * 2
        completions = [[{"role": "assistant", "content": "good: the moon pulls"}],
                       [{"role": "assistant", "content": "bad"}]]
        fn = make_reward_fn(normalize=True)
        self.assertEqual(fn(prompts, completions, reference=["The moon.", "The moon."]), [1.0, 0.0])

    def test_trl_reward_fn_in_batches(self):
        fn = make_reward_fn(batch_size=2)
        completions = ["good %d" % i if i % 2 == 0 else "bad %d" % i for i in range(5)]
        self.assertEqual(fn(["p"] * 5, completions, reference=["r"] * 5), [5.0, 1.0, 5.0, 1.0, 5.0])


class ComputeScoreTest(unittest.TestCase):
    def test_verl_compute_score(self):
        self.assertEqual(compute_score("gsm8k", "A good answer.", "The moon.", {"prompt": "Explain tides."}), 5.0)
        self.assertEqual(compute_score("gsm8k", "Wrong.", "The moon.", {"prompt": "Explain tides."}), 1.0)

    def test_verl_reward_kwargs(self):
        score = compute_score("x", "good", "The moon.", {"prompt": "p"}, normalize=True,
                              url=os.environ["RULERS_URL"], bundle=os.environ["RULERS_BUNDLE"])
        self.assertEqual(score, 1.0)


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.client = RulersClient()

    def test_bundles_and_score_records(self):
        (bundle,) = [b for b in self.client.bundles() if b["bundle"] == os.environ["RULERS_BUNDLE"]]
        self.assertEqual(bundle["inputs"], ["prompt", "response", "reference"])
        records = self.client.score([{"id": "r1", "prompt": "p", "response": "good", "reference": "r"}])
        self.assertEqual(records[0]["item_id"], "r1")
        self.assertEqual(records[0]["raw_score"], 5)
        self.assertEqual(records[0]["bundle"]["hash"], bundle["bundle_hash"])

    def test_reward_answer_names_its_bundle(self):
        out = self.client.reward([{"prompt": "p", "response": "good", "reference": "r"}], details=True)
        self.assertEqual(out["rewards"], [5])
        self.assertTrue(out["bundle_hash"].startswith("sha256:"))
        self.assertEqual(out["details"][0]["bundle"]["hash"], out["bundle_hash"])

    def test_errors_carry_the_server_code(self):
        with self.assertRaises(RulersError) as e:
            self.client.rewards([{"prompt": "p", "response": "good", "reference": "r"}], bundle="test.reward@9.0.0")
        self.assertEqual((e.exception.code, e.exception.status), ("bundle_not_locked", 404))
        with self.assertRaises(RulersError) as e:
            self.client.rewards([{"prompt": "p"}])
        self.assertEqual(e.exception.code, "invalid_rows")
        self.assertIn("missing input `response`", e.exception.message)

    def test_a_wrong_token_is_refused(self):
        with self.assertRaises(RulersError) as e:
            RulersClient(token="wrong").rewards([{"prompt": "p", "response": "good", "reference": "r"}])
        self.assertEqual((e.exception.code, e.exception.status), ("unauthorized", 401))

    def test_an_unreachable_server_is_an_error_not_a_reward(self):
        c = RulersClient(url="http://127.0.0.1:9", retries=0)
        with self.assertRaises(RulersError) as e:
            c.rewards([{"prompt": "p", "response": "good", "reference": "r"}])
        self.assertEqual(e.exception.code, "unreachable")

    def test_no_dependencies_beyond_the_standard_library(self):
        import sys
        names = {n.split(".")[0] for n in vars(rulers_client) if not n.startswith("_")}
        self.assertFalse({"requests", "httpx", "aiohttp", "numpy", "torch"} & names)
        self.assertTrue(sys.version_info >= (3, 8))


if __name__ == "__main__":
    unittest.main()
