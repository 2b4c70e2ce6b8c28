'use strict';
// What the issue workflow e2e suites (one process, queue mode) share: the deterministic stand-in
// for the model, and the operator's one-time edit of a workflow's "Settings" node.
const { runtime } = require('./n8n');

/** The same deterministic stand-in for the model as the unit tests: priority from the words. */
function modelAnswer(schema, body) {
	const prompt = body.contents[0].parts[0].text;
	const title = (/Title: (.*)/.exec(prompt) || [])[1] || '';
	const p = prompt.toLowerCase();
	const priority = /down|fora do ar|outage/.test(p) ? 'critical' : /error|erro|cannot/.test(p) ? 'high' : /question|how do/.test(p) ? 'low' : 'medium';
	const long = /long answer/.test(p);
	const reply = long
		? Array.from({ length: 30 }, (_, i) => `Step ${i + 1} of the fix for ${title} is explained in this sentence.`).join(' ')
		: `Answer about ${title}. We are looking into it now.`;
	return {
		priority,
		category: /pay|charge|pagamento/.test(p) ? 'billing' : 'technical',
		sentiment: 'neutral',
		language: 'en',
		confidence: 0.9,
		summary: `Summary of ${title}`,
		reply,
		autoResolvable: priority === 'low',
		escalate: priority === 'critical',
		escalationReason: priority === 'critical' ? 'Outage' : '',
	};
}

/**
 * What an operator does once after importing: fields of the "Settings" node (or `nodeName`: gateway address,
 * resolve endpoint), through n8n's REST API of `instance` (a started n8n or a queue cluster's
 * main), then published again.
 */
async function configureSettings(instance, fileName, values, nodeName = 'Settings') {
	const [shipped] = runtime.prepareWorkflows({ files: [`${runtime.WORKFLOWS_DIR}/${fileName}`] });
	const current = await instance.rest.call('GET', `/workflows/${shipped.id}`);
	const nodes = current.nodes.map((node) => {
		if (node.name !== nodeName) return node;
		const assignments = node.parameters.assignments.assignments.map((a) => (a.name in values ? { ...a, value: values[a.name] } : a));
		return { ...node, parameters: { ...node.parameters, assignments: { assignments } } };
	});
	const updated = await instance.rest.call('PATCH', `/workflows/${shipped.id}`, { nodes, connections: current.connections, versionId: current.versionId });
	await instance.rest.call('POST', `/workflows/${shipped.id}/activate`, { versionId: updated.versionId });
}

module.exports = { modelAnswer, configureSettings };
