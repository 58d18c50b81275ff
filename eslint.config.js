import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config({ ignores: ['dist/', 'node_modules/', 'build/', '__tests__/fixtures/', 'example/'] }, js.configs.recommended, ...tseslint.configs.recommended, {
  rules: {
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    'no-empty': ['error', { allowEmptyCatch: false }],
  },
})
