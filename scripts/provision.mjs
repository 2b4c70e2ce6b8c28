// Provisions the pinned Node.js, n8n and (for queue mode) Postgres into the cache (what `npm start` and the end-to-end
// tests do first), printing progress; a CI step of its own keeps that time out of test timeouts.
import runtime from './n8n-runtime.cjs';

const started = Date.now();
process.stdout.write(`Provisioning Node.js ${runtime.NODE_VERSION}, n8n ${runtime.N8N_VERSION} and Postgres ${runtime.POSTGRES_PACKAGE_VERSION} in ${runtime.cacheDir()}\n`);
try {
	const { nodeResult, n8nResult } = await runtime.provision();
	// Postgres for queue mode (npm run start:queue, test/e2e/queue.test.js).
	const postgresResult = await runtime.provisionPostgres();
	const what = nodeResult.cached && n8nResult.cached && postgresResult.cached ? 'already provisioned' : 'provisioned';
	process.stdout.write(`${what} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
} catch (error) {
	process.stderr.write(`provisioning failed: ${error.message}\n`);
	process.exit(1);
}
