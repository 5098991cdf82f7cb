<?php

namespace Conduit\Integration;

use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Queue\Processor;

Loc::loadMessages(__FILE__);

/**
 * The queue agent: `\Conduit\Integration\Agent::run();` in `b_agent` (module
 * conduit.integration, not periodic, every agent_interval_s seconds), registered by
 * InstallAgents and removed by UnInstallAgents.
 *
 * Each run is bounded: at most agent_job_limit jobs and agent_time_budget_s seconds on a
 * page hit, agent_cron_time_budget_s when agents run from cron (`BX_CRONTAB`, i.e.
 * cron_events.php; with `BX_CRONTAB_SUPPORT` the site runs this non-periodic agent only
 * from there). It delivers due HTTP jobs per connection and runs handler jobs
 * ({@see Processor}), then the hourly housekeeping ({@see Maintenance}), then advances the
 * dashboard's rollups ({@see Admin\Rollup::advanceAll()}, bounded). Overlapping runs
 * and `bin/conduit worker` processes share the queue safely (leased claims).
 *
 * It never throws (an exception would break the other agents of the hit): errors go into
 * the run record ({@see lastRun()}, option `agent_last_run`), which the admin dashboard
 * shows. It always returns its call string, so Bitrix reschedules it.
 */
final class Agent
{
    /** The agent's NAME in b_agent; run() returns it to be rescheduled. */
    public const CALL = '\\Conduit\\Integration\\Agent::run();';
    /**
     * Log rows (and jobs) one run adds to the dashboard's rollups at most: about 0.3 s on a
     * page hit, a few seconds from cron. A site logging more than ROLLUP_ROWS_HIT requests
     * per agent interval on hits falls behind (the dashboard says so and catches up on
     * its loads); cron mode keeps up with a hundred times that.
     */
    public const ROLLUP_ROWS_HIT = 10000;
    public const ROLLUP_ROWS_CRON = 200000;
    /** Option holding the last run's record (JSON). */
    public const LAST_RUN_OPTION = 'agent_last_run';

    private function __construct()
    {
    }

    public static function run(): string
    {
        $started = microtime(true);
        $cron = self::isCron();
        $record = ['started_at' => $started, 'mode' => $cron ? 'cron' : 'hit', 'pid' => getmypid()];
        try {
            $budget = (float) Settings::get($cron ? 'agent_cron_time_budget_s' : 'agent_time_budget_s');
            $limit = (int) Settings::get('agent_job_limit');
            $counts = (new Processor('agent'))->run($started + $budget, $limit);
            $record += $counts;
            $record['maintenance'] = Maintenance::runIfDue();
        } catch (\Throwable $e) {
            $record['error'] = get_class($e) . ': ' . $e->getMessage();
        }
        try {
            // the dashboard's summaries follow the log and the queue without anyone opening it
            $record['rollup'] = Admin\Rollup::advanceAll($cron ? self::ROLLUP_ROWS_CRON : self::ROLLUP_ROWS_HIT);
        } catch (\Throwable $e) {
            $failure = get_class($e) . ': ' . $e->getMessage();
            $record['error'] = isset($record['error']) ? $record['error'] . '; ' . $failure : $failure;
        }
        $record['finished_at'] = microtime(true);
        $record['duration_s'] = round($record['finished_at'] - $started, 3);
        try {
            Module::setDbOption(self::LAST_RUN_OPTION, json_encode($record, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR));
        } catch (\Throwable $e) {
            // the database is gone: nothing to record it in
        }
        return self::CALL;
    }

    /**
     * The last agent run: started_at, finished_at (Unix time), duration_s, mode ("hit" or
     * "cron"), the counts of {@see Processor::emptyCounts()}, maintenance, and `error`
     * when the run failed. Null before the first run.
     */
    public static function lastRun(): ?array
    {
        $raw = Module::getRealDbOption(self::LAST_RUN_OPTION);
        $data = $raw === null ? null : json_decode($raw, true);
        return is_array($data) ? $data : null;
    }

    /** Whether agents run from cron in this process (the longer budget applies). */
    public static function isCron(): bool
    {
        return (defined('BX_CRONTAB') && constant('BX_CRONTAB') === true)
            || (Module::isCli() && Settings::get('agent_mode') === 'cron');
    }

    /** Registers the agent (InstallAgents): replaces an existing registration. */
    public static function install(): void
    {
        \CAgent::RemoveAgent(self::CALL, Module::ID);
        $id = \CAgent::AddAgent(self::CALL, Module::ID, 'N', (int) Settings::get('agent_interval_s'));
        if ($id === false) {
            global $APPLICATION;
            $e = is_object($APPLICATION) ? $APPLICATION->GetException() : null;
            $message = Loc::getMessage('CONDUIT_AGENT_ADD_FAILED', ['#NAME#' => self::CALL, '#REASON#' => $e ? (string) $e->GetString() : '']);
            throw new \RuntimeException($message ?: 'CAgent::AddAgent(' . self::CALL . ') failed');
        }
    }

    /**
     * Applies a changed agent_interval_s to the registered agent (Settings calls it); the
     * next run keeps its time, the ones after it follow the new interval.
     */
    public static function applyInterval(): void
    {
        $rows = \CAgent::GetList([], ['NAME' => self::CALL, 'MODULE_ID' => Module::ID]);
        while ($row = $rows->Fetch()) {
            \CAgent::Update($row['ID'], ['AGENT_INTERVAL' => (int) Settings::get('agent_interval_s')]);
        }
    }

    /** Removes the agent (UnInstallAgents). */
    public static function uninstall(): void
    {
        \CAgent::RemoveAgent(self::CALL, Module::ID);
    }
}
