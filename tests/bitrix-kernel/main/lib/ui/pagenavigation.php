<?php
namespace Bitrix\Main\UI;

/** ?<id>=page-3-size-20 (or page-all) paging, as the kernel's PageNavigation. */
class PageNavigation
{
    protected $id;
    protected $pageSizes = [];
    protected $pageSize = 20;
    protected $recordCount;
    protected $currentPage;
    protected $allowAll = false;
    protected $allRecords = false;

    public function __construct($id) { $this->id = $id; }
    public function initFromUri()
    {
        $v = $_GET[$this->id] ?? ($_REQUEST[$this->id] ?? null);
        if (is_string($v)) {
            if (preg_match('/page-(\d+)/', $v, $m)) $this->currentPage = (int)$m[1];
            if (preg_match('/size-(\d+)/', $v, $m) && (int)$m[1] > 0) $this->pageSize = (int)$m[1];
            if (strpos($v, 'page-all') !== false && $this->allowAll) $this->allRecords = true;
        }
        return $this;
    }
    public function getId() { return $this->id; }
    public function setPageSize($n) { $this->pageSize = max(1, (int)$n); return $this; }
    public function getPageSize() { return $this->pageSize; }
    public function setPageSizes(array $sizes) { $this->pageSizes = $sizes; return $this; }
    public function getPageSizes() { return $this->pageSizes; }
    public function allowAllRecords($mode) { $this->allowAll = (bool)$mode; return $this; }
    public function allRecordsShown() { return $this->allRecords; }
    public function setCurrentPage($n) { $this->currentPage = max(1, (int)$n); return $this; }
    public function getCurrentPage()
    {
        $p = $this->currentPage ?? 1;
        if ($this->recordCount !== null) $p = min($p, max(1, $this->getPageCount()));
        return max(1, $p);
    }
    public function setRecordCount($n) { $this->recordCount = (int)$n; return $this; }
    public function getRecordCount() { return $this->recordCount; }
    public function getPageCount() { return $this->recordCount === null ? 1 : max(1, (int)ceil($this->recordCount / $this->pageSize)); }
    public function getOffset() { return $this->allRecords ? 0 : ($this->getCurrentPage() - 1) * $this->pageSize; }
    public function getLimit() { return $this->allRecords ? 0 : $this->pageSize; }
    public function addParams(\Bitrix\Main\Web\Uri $uri, $sef, $page, $size = null) { return $uri; }
}
