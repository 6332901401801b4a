@echo off
rem Fanout's launcher in the release archives: runs fanout.jar in the folder above it with
rem %JAVA_HOME%\bin\java, else the java on PATH (Java 17 or later).
setlocal
set "FANOUT_JAVA=java"
if defined JAVA_HOME set "FANOUT_JAVA=%JAVA_HOME%\bin\java"
"%FANOUT_JAVA%" %FANOUT_JAVA_OPTS% -jar "%~dp0..\fanout.jar" %*
exit /b %ERRORLEVEL%
