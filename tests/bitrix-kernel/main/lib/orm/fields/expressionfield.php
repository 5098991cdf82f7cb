<?php
namespace Bitrix\Main\ORM\Fields;

/**
 * new ExpressionField('CNT', 'COUNT(%s)', ['ID'], ['data_type' => 'integer'])
 * or legacy ['data_type' => 'integer', 'expression' => ['COUNT(%s)', 'ID']].
 */
class ExpressionField extends Field implements IReadable
{
    protected $expression;
    protected $buildFrom = [];
    protected $valueField;
    protected $dataType = 'string';

    public function __construct($name, $expression = null, $buildFrom = null, $parameters = [])
    {
        if (is_array($expression) && $buildFrom === null) { // legacy map entry passed as ($name, $params)
            $parameters = $expression;
            $expression = $parameters['expression'][0] ?? '';
            $buildFrom = array_slice($parameters['expression'] ?? [], 1);
        } elseif (is_array($buildFrom) && (isset($buildFrom['data_type']) || isset($buildFrom['expression']))) {
            $parameters = $buildFrom;
            $buildFrom = [];
        }
        parent::__construct($name, (array)$parameters);
        $this->expression = (string)$expression;
        $this->buildFrom = $buildFrom === null ? [] : (array)$buildFrom;
        if (isset($parameters['data_type'])) $this->dataType = is_string($parameters['data_type']) ? strtolower($parameters['data_type']) : $parameters['data_type'];
        $this->valueField = $this->makeValueField();
    }
    protected function makeValueField()
    {
        $t = $this->dataType;
        if ($t instanceof ScalarField) return $t;
        $map = ['integer' => IntegerField::class, 'int' => IntegerField::class, 'float' => FloatField::class, 'datetime' => DatetimeField::class,
            'date' => DateField::class, 'boolean' => BooleanField::class, 'text' => TextField::class, 'enum' => EnumField::class];
        $class = $map[$t] ?? (class_exists((string)$t) ? $t : StringField::class);
        return new $class($this->name, $this->initialParameters);
    }
    public function getExpression() { return $this->expression; }
    public function getBuildFrom() { return $this->buildFrom; }
    public function getValueField() { return $this->valueField; }
    public function getDataType() { return is_string($this->dataType) ? $this->dataType : 'string'; }
    public function isAggregated()
    {
        return (bool)preg_match('/\b(COUNT|SUM|MIN|MAX|AVG|GROUP_CONCAT|STD|STDDEV|VARIANCE)\s*\(/i', $this->expression);
    }
    public function isConstant() { return !$this->buildFrom && !$this->isAggregated(); }
}
