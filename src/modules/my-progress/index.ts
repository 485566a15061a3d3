/** myProgress (issue 18 point 5; PT-3, CASE-9): personal estimates of the decision and the next step, backtested. */
export {
  MyProgressService,
  trainProgressJob,
  type CaseProgress,
  type PublishedFigure,
  type PublishedTimes,
  type DateRange,
  type TrainingRun,
} from './service.js';
export { myProgressTab } from './views.js';
export { ProgressEstimator, STEP_ORDER, type ProgressCase, type Prediction } from './estimator.js';
export { backtest, publishedAt, type BacktestResult, type FormResult, type Score } from './backtest.js';
