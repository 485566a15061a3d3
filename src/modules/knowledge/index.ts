/** Knowledge articles (CC-4, CC-14; issue 5 item 7): bilingual, versioned, public or agent-only, full-text search. */
export { KnowledgeService, suggestFor, type ArticleSummary } from './service.js';
export { registerKnowledgeRoutes } from './routes.js';
export { seedKnowledgeArticles } from './seed.js';
export { articleVersionForFlag } from './repository.js';
