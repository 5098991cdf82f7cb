<?php
// Defaults of the scalar settings (Option::get falls back to these); types and ranges
// are in Conduit\Integration\Settings::DEFINITIONS. Connections and webhook sources
// have no defaults: they are added in the settings.
$conduit_integration_default_option = [
    'queue_max_attempts' => '5',
    'queue_lease_s' => '60',
    'queue_backoff_base_s' => '5',
    'queue_backoff_max_s' => '3600',
    'queue_retention_days' => '7',
    'agent_mode' => 'hits',
    'agent_time_budget_s' => '3',
    'agent_cron_time_budget_s' => '50',
    'agent_job_limit' => '100',
    'agent_interval_s' => '60',
    'delivery_concurrency' => '16',
    'log_enabled' => 'Y',
    'log_retention_days' => '14',
    'log_body_bytes' => '8192',
    'log_redact_fields' => '',
    'webhook_max_body_bytes' => '1048576',
    'webhook_dedupe_window_h' => '72',
    'webhook_event_retention_days' => '30',
    'webhook_retry_after_s' => '30',
    'public_base_url' => '',
];
