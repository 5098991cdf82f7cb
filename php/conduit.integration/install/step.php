<?php
/** Shown after a successful install from the admin (Marketplace → Installed solutions). */

use Bitrix\Main\Localization\Loc;

if (!check_bitrix_sessid()) {
    return;
}
Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION;
echo '<div class="adm-info-message-wrap adm-info-message-green"><div class="adm-info-message">'
    . htmlspecialcharsbx(Loc::getMessage('CONDUIT_STEP_INSTALLED')) . '</div></div>';
?>
<p><?= htmlspecialcharsbx(Loc::getMessage('CONDUIT_STEP_NEXT')) ?></p>
<form action="<?= htmlspecialcharsbx($APPLICATION->GetCurPage()) ?>">
    <input type="hidden" name="lang" value="<?= htmlspecialcharsbx(LANGUAGE_ID) ?>">
    <input type="submit" value="<?= htmlspecialcharsbx(Loc::getMessage('CONDUIT_STEP_BACK')) ?>">
</form>
