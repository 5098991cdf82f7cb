<?php
/** Uninstall, step 1: keep the data ("save tables") or delete it. */

use Bitrix\Main\Localization\Loc;

if (!check_bitrix_sessid()) {
    return;
}
Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION;
?>
<form action="<?= htmlspecialcharsbx($APPLICATION->GetCurPage()) ?>" method="post">
    <?= bitrix_sessid_post() ?>
    <input type="hidden" name="lang" value="<?= htmlspecialcharsbx(LANGUAGE_ID) ?>">
    <input type="hidden" name="id" value="conduit.integration">
    <input type="hidden" name="uninstall" value="Y">
    <input type="hidden" name="step" value="2">
    <div class="adm-info-message-wrap"><div class="adm-info-message"><?= htmlspecialcharsbx(Loc::getMessage('CONDUIT_UNSTEP_WARNING')) ?></div></div>
    <p>
        <input type="checkbox" name="savedata" id="conduit_savedata" value="Y" checked>
        <label for="conduit_savedata"><?= htmlspecialcharsbx(Loc::getMessage('CONDUIT_UNSTEP_SAVEDATA')) ?></label>
    </p>
    <p><small><?= htmlspecialcharsbx(Loc::getMessage('CONDUIT_UNSTEP_SAVEDATA_HINT')) ?></small></p>
    <input type="submit" name="inst" value="<?= htmlspecialcharsbx(Loc::getMessage('CONDUIT_UNSTEP_SUBMIT')) ?>">
</form>
