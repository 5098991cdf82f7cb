<?php
/**
 * Baseline for bench/queue.php: the "agent pattern" from the original brief, as a
 * Bitrix site typically has it — a custom table and an agent function that selects
 * 50 pending rows ordered by created_at, processes each, and updates each row.
 * Plain PHP + mysqli, autocommit, one UPDATE per row; no leases, no SKIP LOCKED.
 * (Run by two agents/cron processes at once, it processes rows twice: the bench
 * counts that too.)
 */
declare(strict_types=1);

final class AgentPatternQueue
{
    public function __construct(private mysqli $db, private string $table = 'b_custom_export_queue')
    {
    }

    public function createTable(): void
    {
        $this->db->query("DROP TABLE IF EXISTS `{$this->table}`");
        $this->db->query("CREATE TABLE `{$this->table}` (
            ID INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            STATUS VARCHAR(16) NOT NULL DEFAULT 'pending',
            PAYLOAD TEXT NOT NULL,
            CREATED_AT DATETIME NOT NULL,
            UPDATED_AT DATETIME NULL,
            KEY IX_STATUS (STATUS)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    }

    /** What the site's event handler does: one INSERT per job. */
    public function push(array $payload): int
    {
        $stmt = $this->db->prepare("INSERT INTO `{$this->table}` (PAYLOAD, CREATED_AT) VALUES (?, NOW())");
        $json = json_encode($payload);
        $stmt->bind_param('s', $json);
        $stmt->execute();
        return (int) $this->db->insert_id;
    }

    /**
     * One agent run: the function Bitrix calls (`\Vendor\Export::agent();`).
     * @param callable(array):void $process
     * @return list<int> the ids it processed
     */
    public function agent(callable $process, int $limit = 50): array
    {
        $rows = $this->db->query(
            "SELECT ID, PAYLOAD FROM `{$this->table}` WHERE STATUS = 'pending' ORDER BY CREATED_AT LIMIT $limit"
        )->fetch_all(MYSQLI_ASSOC);
        $done = [];
        foreach ($rows as $row) {
            $process(json_decode($row['PAYLOAD'], true));
            $this->db->query("UPDATE `{$this->table}` SET STATUS = 'done', UPDATED_AT = NOW() WHERE ID = " . (int) $row['ID']);
            $done[] = (int) $row['ID'];
        }
        return $done;
    }
}
