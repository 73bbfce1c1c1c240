"""Reports that leave the office: Bawaslu/BKN forms, the daily report, queue exports."""
