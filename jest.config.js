// Tests are plain JavaScript on purpose: n8n's strict lint config (which may not be edited)
// applies node-code rules (no `process`, no `setTimeout`, no `node:http`) to every .ts file,
// and a test server or harness needs exactly those. Node sources are TypeScript and are
// compiled on the fly by ts-jest, so unit tests exercise the code we ship, not dist/.
const tsTransform = ['ts-jest', { isolatedModules: true, diagnostics: false }];
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsTransform },
	moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.js', '<rootDir>/test/support/**/*.test.js', '<rootDir>/test/bench/**/*.test.js'] },
		{ ...common, displayName: 'contract', testMatch: ['<rootDir>/test/contract/**/*.test.js'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.js'] },
	],
};
