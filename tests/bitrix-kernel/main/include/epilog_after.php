<?php
// End of a page: OnEpilog handlers, agents on hits (unless main/check_agents = N).
global $APPLICATION;
if (is_object($APPLICATION)) $APPLICATION->FinalActions();
