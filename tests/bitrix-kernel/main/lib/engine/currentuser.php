<?php
namespace Bitrix\Main\Engine;

/** Wrapper over the global $USER. */
final class CurrentUser
{
    private $cuser;
    private function __construct() {}
    public static function get()
    {
        global $USER;
        $self = new self();
        $self->cuser = $USER instanceof \CUser ? $USER : new \CUser();
        return $self;
    }
    public function getId() { return $this->cuser->GetID(); }
    public function getLogin() { return $this->cuser->GetLogin(); }
    public function getEmail() { return $this->cuser->GetEmail(); }
    public function getFullName() { return $this->cuser->GetFullName(); }
    public function getFirstName() { return $this->cuser->GetFirstName(); }
    public function getLastName() { return $this->cuser->GetLastName(); }
    public function getUserGroups() { return $this->cuser->GetUserGroupArray(); }
    public function isAdmin() { return $this->cuser->IsAdmin(); }
    public function canDoOperation($operationName) { return $this->cuser->CanDoOperation($operationName); }
}
