// `N8N_API_KEY=… npm run tables:upgrade -- https://your-n8n.example.com`: adds to the Data tables
// of an n8n the shipped workflows were imported into earlier the columns added since (README,
// "Upgrading workflows imported earlier"), and creates a shipped table it finds nowhere. Needs an
// n8n API key (Settings → n8n API) with the scopes dataTable:list, dataTable:create,
// dataTableColumn:read and dataTableColumn:create. Never changes or removes anything.
import tables from './runtime/tables.cjs';

const baseUrl = process.argv[2] || process.env.N8N_URL;
const apiKey = process.env.N8N_API_KEY;
if (!baseUrl || !apiKey) {
	console.error('usage: N8N_API_KEY=<n8n API key> npm run tables:upgrade -- <n8n base URL, e.g. https://n8n.example.com>');
	process.exit(2);
}
try {
	const { added, created, typeMismatches } = await tables.upgradeTables({ baseUrl, apiKey, log: (line) => console.log(line) });
	console.log(`added ${added.length} column(s), created ${created.length} table(s); ${typeMismatches.length} column(s) of another type left as they are`);
} catch (error) {
	console.error(error.cause ? `${error.message}: ${error.cause.message || error.cause}` : error.message);
	process.exit(1);
}
