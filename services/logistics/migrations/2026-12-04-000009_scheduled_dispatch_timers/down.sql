DELETE FROM timers WHERE kind = 'pk1_dispatch';
