/**
 * The graph model (isomorphic: no Node APIs): load, migrate, save, validate, and the small
 * queries the compiler and editor share. Sits on `contract`; never imports `nodes` — functions
 * that need node descriptors take a registry.
 */
export { loadGraph, parseGraph, type LoadResult } from './loadGraph.js';
export { saveGraph } from './saveGraph.js';
export {
  GRAPH_MIGRATIONS,
  migrateGraph,
  MigrationError,
  type GraphMigration,
  type MigrationResult,
} from './migrations.js';
export { validate, GRAPH_LIMITS } from './validate.js';
export { validateConfig } from './validateConfig.js';
export { applyDefaults } from './applyDefaults.js';
export { graphHasCode } from './graphHasCode.js';
export { incomingEdges } from './incomingEdges.js';
export { outgoingEdges } from './outgoingEdges.js';
export { topologicalOrder } from './topologicalOrder.js';
export { findCycles } from './findCycles.js';
export { closestName } from './closestName.js';
export { nodeName } from './nodeName.js';
export { toSafeJson, FORBIDDEN_KEYS } from './toSafeJson.js';
export {
  compileExpression,
  compileBody,
  expressionError,
  ExpressionSyntaxError,
  type CompiledCode,
} from './expression.js';
export { readAlerts, MAX_ALERT_HOLD_MS, type AlertDefinition } from './alerts/readAlerts.js';
export {
  parseAlertCondition,
  describeSubject,
  ALERT_WHEN_FORM,
  type AlertCondition,
} from './alerts/parseAlertCondition.js';
export { ALERT_METRICS, alertMetric, type AlertMetric, type AlertUnit } from './alerts/alertMetrics.js';
export { AlertEvaluator, type AlertTransition } from './alerts/AlertEvaluator.js';
export { watchRunAlerts, type WatchedRun, type WatchRunAlertsOptions } from './alerts/watchRunAlerts.js';
export { formatAlertValue, formatDuration, formatNumber } from './alerts/formatAlertValue.js';
export { CODE_LIMITS, codeBoundsError } from './codeBoundsError.js';
export { shortText } from './shortText.js';
