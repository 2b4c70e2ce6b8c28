'use strict';
// Runs the Status Page node in-process for one operation, one item per parameter set.
const { StatusPage } = require('../../../nodes/StatusPage/StatusPage.node');
const { executeNode } = require('../../support/executeNode');

async function run(operation, parameterSets, { continueOnFail = false } = {}) {
	const sets = Array.isArray(parameterSets) ? parameterSets : [parameterSets];
	const { output } = await executeNode(StatusPage, {
		items: sets.map(() => ({ json: {} })),
		parameters: (itemIndex) => ({ operation, ...sets[itemIndex] }),
		continueOnFail,
	});
	return output;
}

async function runOne(operation, parameters) {
	const [[item]] = await run(operation, parameters);
	return item.json;
}

const HOSTILE = '<script>alert("x")</script>&"\'';

module.exports = { run, runOne, HOSTILE };
