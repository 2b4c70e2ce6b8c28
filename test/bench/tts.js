'use strict';
// Text to Speech benchmark (issue #9), side by side in one run against the local Google fake:
// 90 texts of ~1,500 characters and 10 of ~12,000 (Portuguese, so more UTF-8 bytes than
// characters), fake TTS latency 3 s, cap 3 requests in flight. The node's wall time is set
// against the bound ⌈chunks ÷ cap⌉ × latency (target ≤ 1.1×) and against the seed's way, one
// request after another. Run with `npm run bench` (builds first), or `npm run build` then
// `node test/bench/tts.js`. Prints a table; nothing here is a pass/fail test.
process.env.GEMINI_OPS_FROM_DIST = '1';

const { startFakeGoogle } = require('../support/fakeGoogle');
const { executeNode } = require('../support/executeNode');
const { TextToSpeech } = require('../../dist/nodes/TextToSpeech/TextToSpeech.node');

const API_KEY = 'bench-key';
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS || 3000);
const CAP = 3;
const SHORT = { count: 90, characters: 1500 };
const LONG = { count: 10, characters: 12000 };
const TARGET = 1.1;
const SENTENCES = [
	'A educação financeira começa com pequenas ações diárias.',
	'Você já pensou em quanto gasta com café por mês?',
	'Anotar cada despesa ajuda a entender para onde vai o dinheiro, e isso muda hábitos.',
	'Metas claras, como guardar dez por cento do salário, tornam a poupança possível.',
	'Não é preciso cortar tudo: basta escolher bem as prioridades.',
];

function text(characters, seed) {
	const parts = [];
	let length = 0;
	for (let i = seed; length < characters; i++) {
		const sentence = SENTENCES[i % SENTENCES.length];
		parts.push(i % 7 === 6 ? `${sentence}\n\n` : `${sentence} `);
		length += sentence.length + 1;
	}
	return parts.join('').trim();
}

async function run(fake, texts, options) {
	fake.reset();
	const started = Date.now();
	const { output } = await executeNode(TextToSpeech, {
		parameters: (i) => ({ provider: 'googleCloud', text: texts[i], textFormat: 'text', languageCode: 'pt-BR', voice: { mode: 'list', value: '' }, audioEncoding: 'mp3', title: `Texto ${i}`, options }),
		items: texts.map((t) => ({ t })),
		credentials: { googleCloudTtsApi: { apiKey: API_KEY, host: fake.url } },
		continueOnFail: true,
	});
	const wallMs = Date.now() - started;
	// With Continue On Fail a failed item is an error item on the Audio output, in its place.
	const [items] = output;
	const audio = items.filter((item) => !item.json.error);
	const stats = fake.stats();
	return {
		wallMs,
		calls: stats.byRoute.synthesize || 0,
		maxInFlight: stats.maxConcurrencySeen,
		delivered: audio.length,
		lost: texts.length - items.length,
		failed: items.length - audio.length,
		audioSeconds: audio.reduce((s, item) => s + item.json.durationSeconds, 0),
		chunks: audio.reduce((s, item) => s + item.json.chunkCount, 0),
	};
}

function row(cells) {
	console.log(`| ${cells.join(' | ')} |`);
}

async function main() {
	const fake = await startFakeGoogle({ apiKeys: [API_KEY], seed: 3, latencyMs: LATENCY_MS, latencyJitter: 0, maxRequestsKept: 50 });
	try {
		// Every tenth text is a long one, as a real batch would mix them; each text is distinct.
		const texts = Array.from({ length: SHORT.count + LONG.count }, (_, i) =>
			`Texto ${i}. ${text(i % 10 === 9 ? LONG.characters : SHORT.characters, i)}`,
		);
		const parallel = await run(fake, texts, { parallelCalls: CAP });
		const sequential = process.env.BENCH_TTS_SKIP_SEQUENTIAL ? undefined : await run(fake, texts, { parallelCalls: 1, parallelItems: 1 });
		const bound = Math.ceil(parallel.calls / CAP) * LATENCY_MS;

		console.log(`\nText to Speech: ${SHORT.count} texts of ~${SHORT.characters} characters + ${LONG.count} of ~${LONG.characters}, fake latency ${LATENCY_MS / 1000} s, cap ${CAP}\n`);
		row(['run', 'requests (chunks)', 'max in flight', 'wall (s)', 'bound (s) = ⌈requests ÷ cap⌉ × latency', 'wall ÷ bound', 'speed-up vs sequential', 'audio (min)', 'items lost / failed']);
		row(['---', '---', '---', '---', '---', '---', '---', '---', '---']);
		row([`node, Parallel Calls ${CAP}`, parallel.calls, parallel.maxInFlight, (parallel.wallMs / 1000).toFixed(1), (bound / 1000).toFixed(1), `${(parallel.wallMs / bound).toFixed(3)} (target ≤ ${TARGET})`, sequential ? `${(sequential.wallMs / parallel.wallMs).toFixed(2)}×` : 'skipped', (parallel.audioSeconds / 60).toFixed(1), `${parallel.lost} / ${parallel.failed}`]);
		if (sequential) {
			row(['sequential (seed: one request after another)', sequential.calls, sequential.maxInFlight, (sequential.wallMs / 1000).toFixed(1), ((sequential.calls * LATENCY_MS) / 1000).toFixed(1), (sequential.wallMs / (sequential.calls * LATENCY_MS)).toFixed(3), '1.00×', (sequential.audioSeconds / 60).toFixed(1), `${sequential.lost} / ${sequential.failed}`]);
		}
	} finally {
		await fake.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
