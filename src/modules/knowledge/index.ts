/** Knowledge articles (CC-4, CC-14; issue 5 item 7): bilingual, versioned, public or agent-only, full-text search. */
export { KnowledgeService, suggestFor, type ArticleSummary, type ArticleInLanguage, type Reader } from './service.js';
export { registerKnowledgeRoutes } from './routes.js';
export { seedKnowledgeArticles, DEMO_ARTICLES } from './seed.js';
export { articleBody } from './views.js';
export { articleVersionForFlag } from './repository.js';
