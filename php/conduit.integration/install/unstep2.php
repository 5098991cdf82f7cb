<?php
/** Uninstall, step 2: the result. */

use Bitrix\Main\Localization\Loc;

if (!check_bitrix_sessid()) {
    return;
}
Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION;
$kept = \Bitrix\Main\Application::getInstance()->getContext()->getRequest()->get('savedata') === 'Y';
echo '<div class="adm-info-message-wrap adm-info-message-green"><div class="adm-info-message">'
    . htmlspecialcharsbx(Loc::getMessage($kept ? 'CONDUIT_UNSTEP2_KEPT' : 'CONDUIT_UNSTEP2_DELETED')) . '</div></div>';
?>
<form action="<?= htmlspecialcharsbx($APPLICATION->GetCurPage()) ?>">
    <input type="hidden" name="lang" value="<?= htmlspecialcharsbx(LANGUAGE_ID) ?>">
    <input type="submit" value="<?= htmlspecialcharsbx(Loc::getMessage('CONDUIT_STEP_BACK')) ?>">
</form>
