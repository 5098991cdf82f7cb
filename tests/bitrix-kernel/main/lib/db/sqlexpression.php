<?php
namespace Bitrix\Main\DB;

use Bitrix\Main\Application;

/**
 * new SqlExpression('?# + ?i', 'ATTEMPTS', 1): ?# identifier, ?i int, ?f float, ?s / ? quoted string, ?v value as is.
 */
class SqlExpression
{
    protected $expression;
    protected $args;
    protected $connection;

    public function __construct($expression, ...$args)
    {
        $this->expression = $expression;
        $this->args = $args;
    }
    public function setConnection($c) { $this->connection = $c; return $this; }
    public function __toString() { return $this->compile(); }
    public function compile()
    {
        $helper = ($this->connection ?? Application::getConnection())->getSqlHelper();
        $i = 0;
        $args = $this->args;
        return preg_replace_callback('/\?(#|i|f|s|v|)/', function ($m) use (&$i, $args, $helper) {
            if (!array_key_exists($i, $args)) return $m[0];
            $v = $args[$i++];
            switch ($m[1]) {
                case '#': return $helper->quote($v);
                case 'i': return (string)(int)$v;
                case 'f': return (string)(float)$v;
                case 'v': return (string)$v;
                default: return $v === null ? 'NULL' : "'" . $helper->forSql((string)$v) . "'";
            }
        }, $this->expression);
    }
}
